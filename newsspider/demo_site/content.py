"""What a fixture site shows: newspapers, articles, their markup quirks and headline strips.

A :class:`Content` is one site's content at one moment. It never changes once built: an
article published by a test (:meth:`FixtureSite.add_article`) makes a new :class:`Content`
(:meth:`Content.with_added`), so a page being rendered keeps reading the content it started
with. Loading and checking the content files is ``loading.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from newsspider.sites import Site as FamilySite

from . import synthetic
from .templates import shown_text

SECTIONS = (
    "politics",
    "economics",
    "international",
    "sports",
    "society",
    "culture",
    "religion",
    "health",
)
LANGS = ("fr", "ar", "en")
# Where each section lives, as in ``newsspider.sites``: Arabic at the root, French under
# ``/fr``, English under ``/en``.
PREFIX = {"fr": "/fr", "ar": "", "en": "/en"}
LAYOUTS = ("span", "article")
ENCODINGS = ("utf-8", "windows-1256")
TEASER_CHARS = 150
# Real headline strips are bounded: add_article() prepends, the oldest entries fall off.
TICKER_MAX = 60


@dataclass(frozen=True)
class Source:
    """A newspaper whose articles the aggregator republishes."""

    slug: str
    lang: str
    name: str
    url: str

    @property
    def path(self) -> str:
        return f"{PREFIX[self.lang]}/{self.slug}"


@dataclass(frozen=True)
class FixtureArticle:
    """What an article page shows; tests compare crawler output with these fields."""

    source: str
    id: str
    lang: str
    title: str
    published: str | None
    paragraphs: list[str]
    source_url: str | None
    layout: str
    section: str
    encoding: str = "utf-8"

    @property
    def path(self) -> str:
        return f"{PREFIX[self.lang]}/{self.source}/{self.id}"


@dataclass(frozen=True)
class Markup:
    """How one article's body is marked up: the quirks a real extractor has to survive.

    None of this changes the article's text; it only varies the HTML around it.
    """

    time: str | None = None  # "HH:MM", shown by the newer layout and the feeds
    groups: tuple[int, ...] = ()  # paragraphs per content span (span) or per block (article)
    between: tuple[str, ...] = ()  # "ad" or "share" between consecutive groups
    paragraph_tag: str = "br"  # span layout: "<br /><br />" between paragraphs, or "<p>"
    bold: tuple[str, ...] = ()
    italic: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (phrase, href): inline links in the body
    breaks: tuple[str, ...] = ()  # a raw newline replaces the space after these phrases
    entities: bool = False  # write é as &eacute;, ' as &#039;, « as &laquo;
    stray_whitespace: bool = False  # indentation and newlines around paragraphs
    inline_ad: bool = False  # an AdSense <ins> + <script> inside the first content span
    # "numeric" (19 - 10 - 2019) or a key of the section's locale "months": "month_ma", …
    date_format: str = "numeric"
    caption: str | None = None  # figcaption of the newer layout


@dataclass(frozen=True)
class AddedArticle:
    """An article a test published: the article, its markup, and the explicit title and
    paragraphs it was given (with their ``{{raw:...}}`` markers), if any."""

    article: FixtureArticle
    markup: Markup
    raw_text: tuple[str, tuple[str, ...]] | None = None


def teaser_text(article: FixtureArticle) -> str:
    """The first 150 characters of the body, cut as the real teasers are: mid-word, «(...)»."""
    body = " ".join(article.paragraphs)
    if len(body) <= TEASER_CHARS:
        return body
    return body[:TEASER_CHARS].rstrip() + " (...)"


@dataclass(eq=False)
class Content:
    """One family site's content at one moment; build it with ``loading.load_content``."""

    site: FamilySite  # the product's registry entry: name and hosts
    display_name: str  # "Maghress", as og:site_name and the feeds' generator
    zone: timezone  # the site's local time, which the pages and feeds show
    sources: tuple[Source, ...]
    articles: tuple[FixtureArticle, ...]
    markup: Mapping[str, Markup]
    tickers: Mapping[str, tuple[tuple[str, str], ...]]
    locale: Mapping[str, dict[str, Any]]
    page_kb: int = 0  # > 0: pad every HTML page to about this many kilobytes
    invented: int = 0  # invented articles numbered so far (synthetic archive and additions)
    # Order in which add_article() created articles: breaks ties between equal timestamps.
    added_order: Mapping[str, int] = field(default_factory=dict)
    # Explicit (title, paragraphs) of add_article(), with their {{raw:...}} markers.
    raw_text: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    by_path: dict[str, FixtureArticle] = field(init=False, repr=False)
    _by_key: dict[tuple[str, str], FixtureArticle] = field(init=False, repr=False)
    _sources: dict[str, Source] = field(init=False, repr=False)
    # Sorted listings, computed on first use (the content never changes).
    _newest: dict[tuple[str, str | None, str | None], list[FixtureArticle]] = field(
        init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.by_path = {a.path: a for a in self.articles}
        self._by_key = {(a.source, a.id): a for a in self.articles}
        self._sources = {s.slug: s for s in self.sources}
        self._newest = {}

    @property
    def canonical(self) -> str:
        """Where the real site lives (``https://www.maghress.com``): og:url, JSON-LD, and the
        feeds rendered without a Host."""
        return self.site.default_base_url

    @property
    def image_host(self) -> str:
        return f"//images2.{self.site.domain}"

    @property
    def server_name(self) -> str:
        """The host its front end names on error pages."""
        return self.site.hosts[0]

    def source(self, slug: str) -> Source | None:
        return self._sources.get(slug)

    def sources_for(self, lang: str) -> list[Source]:
        return [s for s in self.sources if s.lang == lang]

    def get(self, path: str) -> FixtureArticle | None:
        return self.by_path.get(path)

    def article(self, source: str, id: str) -> FixtureArticle:
        try:
            return self._by_key[(source, id)]
        except KeyError:
            raise KeyError((source, id)) from None

    def published_datetime(self, article: FixtureArticle) -> datetime | None:
        """Date and time of publication (the newer layout and the feeds show the time)."""
        if article.published is None:
            return None
        time = self.markup[article.path].time or "12:00"
        return datetime.fromisoformat(f"{article.published}T{time}:00").replace(tzinfo=self.zone)

    def newest(
        self, lang: str, source: str | None = None, section: str | None = None
    ) -> list[FixtureArticle]:
        """Articles newest first; undated ones last (as if they were the oldest). The list is
        shared: callers must not change it."""
        key = (lang, source, section)
        found = self._newest.get(key)
        if found is None:
            if source is None and section is None:

                def order(article: FixtureArticle) -> tuple[str, int, int]:
                    when = self.published_datetime(article)
                    added = self.added_order.get(article.path, 0)
                    return (when.isoformat() if when else "", added, int(article.id))

                chosen = [a for a in self.articles if a.lang == lang]
                found = sorted(chosen, key=order, reverse=True)
            else:
                # Filtering the sorted section keeps the order a sort of the subset would give.
                found = [
                    a
                    for a in self.newest(lang)
                    if (source is None or a.source == source)
                    and (section is None or a.section == section)
                ]
            self._newest[key] = found
        return found

    def with_added(self, added: Sequence[AddedArticle]) -> Content:
        """This content with ``added`` published, in order: each one joins the articles and
        tops its section's headline strip."""
        if not added:
            return self
        tickers = {lang: list(strip) for lang, strip in self.tickers.items()}
        order = dict(self.added_order)
        for item in added:
            strip = tickers.setdefault(item.article.lang, [])
            strip.insert(0, (item.article.title, item.article.path))
            del strip[TICKER_MAX:]
            order[item.article.path] = len(order) + 1
        raw = {a.article.path: a.raw_text for a in added if a.raw_text is not None}
        return Content(
            site=self.site,
            display_name=self.display_name,
            zone=self.zone,
            sources=self.sources,
            articles=self.articles + tuple(a.article for a in added),
            markup={**self.markup, **{a.article.path: a.markup for a in added}},
            tickers={lang: tuple(strip) for lang, strip in tickers.items()},
            locale=self.locale,
            page_kb=self.page_kb,
            invented=self.invented + len(added),
            added_order=order,
            raw_text={**self.raw_text, **raw},
        )


def check_new_article(
    lang: str,
    layout: str,
    published: str | date | None,
    title: str | None,
    paragraphs: list[str] | None,
) -> str | None:
    """Refuse a bad :meth:`FixtureSite.add_article` call before anything changes; the
    publication date as an ISO string."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if isinstance(published, date):
        published = published.isoformat()
    if title is not None and (not isinstance(title, str) or not shown_text(title).strip()):
        raise ValueError("title must be a non-blank string")
    if paragraphs is not None:
        if isinstance(paragraphs, str) or not paragraphs:
            raise ValueError("paragraphs must be a non-empty list of strings")
        if any(not isinstance(p, str) or not shown_text(p).strip() for p in paragraphs):
            raise ValueError("every paragraph must be a non-blank string")
    return published


def new_article(
    content: Content,
    clock: date,
    lang: str,
    source: str | None,
    published: str | None,
    layout: str,
    title: str | None,
    paragraphs: list[str] | None,
) -> AddedArticle:
    """The next invented article of ``content`` (arguments checked by
    :func:`check_new_article`); see :meth:`FixtureSite.add_article`."""
    candidates = content.sources_for(lang)
    if source is None:
        if not candidates:
            raise ValueError(f"no {lang} source")
        added_here = sum(1 for path in content.added_order if content.by_path[path].lang == lang)
        chosen = candidates[added_here % len(candidates)]
    elif (found := content.source(source)) is None or found.lang != lang:
        raise ValueError(f"no {lang} source {source!r}")
    else:
        chosen = found
    day = published or clock.isoformat()
    date.fromisoformat(day)  # refuse a malformed date early
    number = content.invented + 1
    section = SECTIONS[synthetic.mix(number, 1) % len(SECTIONS)]
    invented_title, invented_paragraphs = synthetic.invent_text(lang, number, section)
    explicit = title is not None or paragraphs is not None
    raw_title = invented_title if title is None else title
    raw_paragraphs = invented_paragraphs if paragraphs is None else list(paragraphs)
    shown_title = shown_text(raw_title) if explicit else raw_title
    shown = [shown_text(p) for p in raw_paragraphs] if explicit else raw_paragraphs
    id = str(1 + max(int(a.id) for a in content.articles if a.source == chosen.slug))
    article = FixtureArticle(
        source=chosen.slug,
        id=id,
        lang=lang,
        title=shown_title,
        published=day,
        paragraphs=shown,
        # Real slugs are cut short: a 5,000-character title keeps a sane source URL.
        source_url=synthetic.source_url(
            lang, chosen.url, section, id, shown_title[:200] if explicit else shown_title
        ),
        layout=layout,
        section=section,
    )
    time = _time_after(content, lang, day)
    if explicit:
        return AddedArticle(
            article, Markup(time=time, entities=True), (raw_title, tuple(raw_paragraphs))
        )
    return AddedArticle(article, invented_markup(number, shown, time))


def _time_after(content: Content, lang: str, day: str) -> str:
    """A time later than every article of ``lang`` published on ``day`` (23:59 at most)."""
    times = [
        content.markup[a.path].time or "12:00"
        for a in content.articles
        if a.lang == lang and a.published == day
    ]
    if not times:
        return "08:00"
    hours, minutes = map(int, max(times).split(":"))
    total = min(hours * 60 + minutes + 5, 23 * 60 + 59)
    return f"{total // 60:02d}:{total % 60:02d}"


def invented_markup(number: int, paragraphs: list[str], time: str) -> Markup:
    """Markup of an invented article: an ad between the groups of every other 3-paragraph one."""
    if len(paragraphs) == 3 and number % 2 == 0:
        return Markup(time=time, groups=(2, 1), between=("ad",))
    return Markup(time=time)
