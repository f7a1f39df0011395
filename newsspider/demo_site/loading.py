"""Reading a fixture site's content files, checking them, and growing a synthetic archive.

Each family site the fixture serves has a content folder: Maghress's is ``content/`` itself,
a sister site's is ``content/<name>/`` (``content/djazairess/``). A folder holds
``site.json`` (display name, UTC offset), ``sources.json``, ``articles_<lang>.json`` (a
section without articles has none), ``ticker.json`` and ``locale.json``. Host names come
from the product's registry (``newsspider.sites``), not from the folder.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from newsspider.sites import SITES

from . import synthetic
from .content import (
    ENCODINGS,
    LANGS,
    LAYOUTS,
    PREFIX,
    SECTIONS,
    Content,
    FixtureArticle,
    Markup,
    Source,
    invented_markup,
)

DEFAULT_SITE = "maghress"

# Maghress pages that tests look for by id: each one is checked against its claim when the
# site loads.
SPECIAL: dict[str, tuple[str, str]] = {
    "fr_seed": ("libe", "32145"),
    "fr_no_date": ("lagazette", "5107"),
    "fr_no_source_link": ("albayane", "211348"),
    "fr_english": ("lagazette", "5309"),
    "fr_inline_script_ad": ("aujourdhui", "100740"),
    "fr_share_between_spans": ("libe", "32410"),
    "ar_no_date": ("alyaoum24", "904528"),
    "ar_windows1256": ("assabah", "148090"),
    "ar_month_name_date": ("febrayer", "553010"),
}


def _folder(name: str) -> Traversable:
    content = resources.files(__package__).joinpath("content")
    return content if name == DEFAULT_SITE else content.joinpath(name)


def fixture_sites() -> list[str]:
    """The family sites the fixture has content for, in the registry's order."""
    return [name for name in SITES if _folder(name).joinpath("sources.json").is_file()]


def _read(folder: Traversable, name: str) -> Any:
    return json.loads(folder.joinpath(name).read_text("utf-8"))


def _markup(raw: dict[str, Any]) -> Markup:
    return Markup(
        time=raw.get("time"),
        groups=tuple(raw.get("groups", ())),
        between=tuple(raw.get("between", ())),
        paragraph_tag=raw.get("paragraph_tag", "br"),
        bold=tuple(raw.get("bold", ())),
        italic=tuple(raw.get("italic", ())),
        links=tuple((phrase, href) for phrase, href in raw.get("links", ())),
        breaks=tuple(raw.get("breaks", ())),
        entities=bool(raw.get("entities", False)),
        stray_whitespace=bool(raw.get("stray_whitespace", False)),
        inline_ad=bool(raw.get("inline_ad", False)),
        date_format=raw.get("date_format", "numeric"),
        caption=raw.get("caption"),
    )


def load_content(name: str = DEFAULT_SITE, synthetic: int = 0, page_kb: int = 0) -> Content:
    """Read site ``name``'s content files, refusing inconsistent content early.

    ``synthetic`` adds that many invented articles (for benchmarks): spread evenly over the
    sections and every source, both layouts, dated backwards from the newest article
    (``PER_DAY`` a day), with ids below the source's real ones, so listings paginate deeply.
    ``page_kb`` pads every HTML page to about that many kilobytes. Without them the site is
    exactly the content files (the golden pages depend on it).
    """
    if synthetic < 0 or page_kb < 0:
        raise ValueError("synthetic and page_kb must not be negative")
    if name not in fixture_sites():
        raise ValueError(f"no fixture content for site {name!r} (known: {fixture_sites()})")
    family = SITES[name]
    # Pages and paths are those of the family's French, English and Arabic sections.
    if any(PREFIX.get(lang) != prefix for lang, prefix in family.sections.items()):
        raise ValueError(f"the fixture serves the sections {PREFIX}, {name} has {family.sections}")
    folder = _folder(name)
    facts = _read(folder, "site.json")
    sources = [Source(**raw) for raw in _read(folder, "sources.json")]
    articles: list[FixtureArticle] = []
    markup: dict[str, Markup] = {}
    for lang in family.langs:
        if not folder.joinpath(f"articles_{lang}.json").is_file():
            continue
        for raw in _read(folder, f"articles_{lang}.json"):
            raw = dict(raw)
            article_markup = _markup(raw.pop("markup", {}))
            article = FixtureArticle(**raw)
            articles.append(article)
            markup[article.path] = article_markup
    by_path = {a.path: a for a in articles}
    tickers = {
        lang: tuple(
            ("", entry["empty"]) if isinstance(entry, dict) else (by_path[entry].title, entry)
            for entry in entries
        )
        for lang, entries in _read(folder, "ticker.json").items()
    }
    if synthetic:
        for article, article_markup in _archive(sources, articles, synthetic):
            articles.append(article)
            markup[article.path] = article_markup
    content = Content(
        site=family,
        display_name=facts["name"],
        zone=_zone(facts["utc_offset"]),
        sources=tuple(sources),
        articles=tuple(articles),
        markup=markup,
        tickers=tickers,
        locale=_read(folder, "locale.json"),
        page_kb=page_kb,
        invented=synthetic,
    )
    _validate(content, SPECIAL if name == DEFAULT_SITE else {})
    return content


def _zone(offset: str) -> timezone:
    """``+01:00`` as a fixed offset. Morocco has kept GMT+1 all year since October 2018
    (outside Ramadan; no article falls in it); Algeria keeps +01:00 all year, Saudi Arabia
    +03:00; Egypt kept +02:00 from 2015 to April 2023 (its articles are from 2022); Tunisia
    +01:00 (no summer time since 2009), Sudan +02:00 since November 2017, Yemen +03:00."""
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _archive(
    sources: list[Source], seed: list[FixtureArticle], count: int
) -> list[tuple[FixtureArticle, Markup]]:
    """``count`` invented articles, the deep archive of :func:`load_content`'s ``synthetic``."""
    by_lang = {lang: [s for s in sources if s.lang == lang] for lang in LANGS}
    langs = [lang for lang in LANGS if by_lang[lang]]
    # Article i: languages alternate, and each language's sources take turns.
    plan: list[Source] = []
    for i in range(count):
        turn = by_lang[langs[i % len(langs)]]
        plan.append(turn[(i // len(langs)) % len(turn)])
    per_source: dict[str, int] = {}
    for source in plan:
        per_source[source.slug] = per_source.get(source.slug, 0) + 1
    # Older articles have smaller ids: count down from below the source's oldest real id.
    next_id: dict[str, int] = {}
    steps: dict[str, int] = {}
    for slug, wanted in per_source.items():
        lowest = min(int(a.id) for a in seed if a.source == slug)
        room = (lowest - 1) // wanted
        if room < 1:
            raise ValueError(f"{wanted} synthetic articles do not fit below {slug}'s id {lowest}")
        next_id[slug] = lowest
        steps[slug] = min(room, 3)
    newest = date.fromisoformat(max(a.published for a in seed if a.published))
    out: list[tuple[FixtureArticle, Markup]] = []
    for i, source in enumerate(plan):
        number = i + 1
        h = synthetic.mix(number, 2)
        next_id[source.slug] -= 1 + h % steps[source.slug]
        id = str(next_id[source.slug])
        section = SECTIONS[h % len(SECTIONS)]
        title, paragraphs = synthetic.invent_text(source.lang, number, section)
        day, time = synthetic.archive_slot(i, newest)
        article = FixtureArticle(
            source=source.slug,
            id=id,
            lang=source.lang,
            title=title,
            published=day,
            paragraphs=paragraphs,
            source_url=synthetic.source_url(source.lang, source.url, section, id, title),
            layout="span" if (h >> 8) % 5 < 3 else "article",
            section=section,
        )
        out.append((article, invented_markup(number, paragraphs, time)))
    return out


def _validate(content: Content, special: dict[str, tuple[str, str]]) -> None:
    """Catch content mistakes at load time rather than as puzzling test failures. The
    ``special`` pages are the only undated, unlinked or non-UTF-8 ones."""
    problems: list[str] = []
    slugs = [s.slug for s in content.sources]
    if len(set(slugs)) != len(slugs):
        problems.append("duplicate source slugs")
    if len(content.by_path) != len(content.articles):
        problems.append("duplicate article paths")
    if set(content.locale) != set(content.site.langs):
        problems.append(f"locale.json needs exactly the sections {content.site.langs}")
    for a in content.articles:
        source = content.source(a.source)
        m = content.markup[a.path]
        where = a.path
        if source is None or source.lang != a.lang:
            problems.append(f"{where}: unknown source or wrong language")
        if a.layout not in LAYOUTS or a.section not in SECTIONS or a.encoding not in ENCODINGS:
            problems.append(f"{where}: bad layout, section or encoding")
        if a.published is not None:
            datetime.fromisoformat(a.published)
        if not a.id.isdigit() or not a.paragraphs or any(not p.strip() for p in a.paragraphs):
            problems.append(f"{where}: bad id or empty paragraph")
        if m.groups and sum(m.groups) != len(a.paragraphs):
            problems.append(f"{where}: groups do not add up to the paragraphs")
        if len(m.between) != max(0, len(m.groups) - 1) or set(m.between) - {"ad", "share"}:
            problems.append(f"{where}: need one 'ad' or 'share' between each pair of groups")
        phrases = [*m.bold, *m.italic, *(p for p, _ in m.links), *(b + " " for b in m.breaks)]
        for phrase in phrases:
            if not any(phrase in p for p in a.paragraphs):
                problems.append(f"{where}: markup phrase {phrase!r} not in the text")
        if m.date_format != "numeric" and m.date_format not in content.locale[a.lang]["months"]:
            problems.append(f"{where}: unknown date format {m.date_format}")
    for lang, entries in content.tickers.items():
        for title, path in entries:
            if not title and path in content.by_path:
                problems.append(f"ticker {lang}: empty anchor {path} points at a real article")
    found: dict[str, FixtureArticle] = {}
    for name, (slug, id) in special.items():
        try:
            a = found[name] = content.article(slug, id)
        except KeyError:
            problems.append(f"SPECIAL[{name}] missing")
            continue
        m = content.markup[a.path]
        claims = {
            "fr_no_date": a.published is None,
            "ar_no_date": a.published is None,
            "fr_no_source_link": a.source_url is None,
            "ar_windows1256": a.encoding == "windows-1256",
            "fr_english": a.lang == "fr",
            "fr_inline_script_ad": m.inline_ad and a.layout == "span",
            "fr_share_between_spans": "share" in m.between and a.layout == "span",
            "ar_month_name_date": m.date_format != "numeric",
        }
        if not claims.get(name, True) or a.lang != name[:2]:
            problems.append(f"SPECIAL[{name}] does not hold for {a.path}")
    undated = {a.path for a in content.articles if a.published is None}
    unlinked = {a.path for a in content.articles if a.source_url is None}
    declared = {a.path for n, a in found.items() if "no_date" in n}
    if undated != declared or unlinked != {a.path for n, a in found.items() if "no_source" in n}:
        problems.append("undated / unlinked articles must be exactly the SPECIAL ones")
    if [a.path for a in content.articles if a.encoding != "utf-8"] != [
        a.path for n, a in found.items() if n == "ar_windows1256"
    ]:
        problems.append("exactly one article (SPECIAL ar_windows1256) is not UTF-8")
    if problems:
        raise ValueError(f"{content.site.name} fixture content: " + "; ".join(problems))
