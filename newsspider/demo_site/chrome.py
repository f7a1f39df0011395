"""The frame every HTML page shares: menu, headline strip, sidebar, footer, JSF noise.

Also the small pieces several page kinds show the same way: dates, section and feed paths,
and the links the hostile-web controls add (duplicate variants, hostile hrefs).
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from . import synthetic
from .content import PREFIX, Content, FixtureArticle, Markup
from .controls import Snapshot
from .response import Response, response
from .templates import esc, fill, viewstate

SIDEBAR_COUNT = 8
TICKER_SEPARATOR = "&nbsp;" * 4
# Labels of the links set_hostile_links() adds where a label shows.
HOSTILE_LABEL = {"fr": "Lire aussi", "ar": "اقرأ أيضا", "en": "Read also"}
FACEBOOK_LOCALE = {"fr": "fr_FR", "ar": "ar_AR", "en": "en_US"}
# The relaunched article template (``unknown_layout`` fault) renames the old layout's classes.
RELAUNCH_CSS = (
    ("#articlecontainer h1", ".headline-x"),
    (".articlenewspaper", ".byline"),
    (".articleimage", ".story-img"),
    (".articlecontent", ".txt"),
    (".articlesource", ".story-source"),
)


def page(
    content: Content,
    snapshot: Snapshot,
    host: str | None,
    lang: str,
    main: str,
    *,
    status: int = 200,
    title: str | None = None,
    title_key: str | None = None,
    head_extra: str = "",
    form_action: str | None = None,
    encoding: str = "utf-8",
    restyle: bool = False,
) -> Response:
    """A whole HTML page of section ``lang`` around ``main``, the page's own content."""
    loc = content.locale[lang]
    # With duplicate links on, the strip links the other loopback name of the request's host.
    strip_host = host if snapshot.duplicates else None
    parts = chrome(
        content,
        lang,
        snapshot.hostile,
        snapshot.duplicates,
        strip_host,
        snapshot.faults.unknown_strip,
    )
    if title is None:
        title = loc["title_prefix"] + loc[title_key] if title_key else loc["title_home"]
    charset = "UTF-8" if encoding == "utf-8" else encoding
    action = form_action or loc["home"]
    html = fill(
        "page.html",
        encoding=charset,
        lang=lang,
        dir=loc["dir"],
        site=content.site.name,
        title=esc(title),
        rss_label=esc(loc["rss_label"]),
        rss_href=rss_path(lang, None),
        head_extra=head_extra,
        home=loc["home"],
        site_name=esc(loc["site_name"]),
        search=esc(loc["search"]),
        form_action=esc(action),
        menu=parts.menu,
        viewstate=viewstate(f"{lang}:{action}:{title}"),
        ticker=parts.ticker,
        content=main,
        sidebar=parts.sidebar,
        footer=parts.footer,
    )
    if restyle:
        # The relaunched article template ships its own stylesheet: none of the old
        # layout's class names survive anywhere on the page.
        style_end = html.index("</style>")
        style = html[:style_end]
        for old, new in RELAUNCH_CSS:
            style = style.replace(old, new)
        html = style + html[style_end:]
    body = html.encode(encoding, "xmlcharrefreplace")
    if content.page_kb > 0:
        mobile = parts.mobile_menu.encode(encoding, "xmlcharrefreplace")
        key = f"{lang}:{action}:{title}:{status}"
        body = synthetic.pad_page(body, content.page_kb * 1024, key, lang, mobile)
    return response(status, f"text/html; charset={charset}", body)


def not_found_page(content: Content, snapshot: Snapshot, host: str | None, lang: str) -> Response:
    loc = content.locale[lang]
    main = fill(
        "notfound.html",
        heading=esc(loc["not_found_title"]),
        text=esc(loc["not_found_text"]),
        home=loc["home"],
        back_home=esc(loc["back_home"]),
    )
    return page(content, snapshot, host, lang, main, status=404, title_key="not_found_title")


@dataclass(frozen=True)
class Chrome:
    menu: str
    ticker: str
    sidebar: str
    footer: str
    mobile_menu: str  # the menu again, as real pages carry it (padding only)


# One entry per section, content and link controls (and host, when duplicate links name it);
# a new Content or new controls make new keys, and old entries age out.
@lru_cache(maxsize=32)
def chrome(
    content: Content,
    lang: str,
    hostile: tuple[str, ...],
    duplicates: bool,
    host: str | None,
    unknown_strip: bool = False,
) -> Chrome:
    """The parts of the page every page of a section shares, built once per change."""
    menu = _menu(content, lang)
    ticker = _ticker(content, lang, hostile, duplicates, host)
    if unknown_strip:
        # A relaunch that swaps the deprecated <marquee> for a scripted ticker: the
        # headlines are still there, in a markup no extractor knows.
        ticker = ticker.replace("<marquee", '<div class="news-ticker"').replace(
            "</marquee>", "</div>"
        )
    return Chrome(
        menu=menu,
        ticker=ticker,
        sidebar=_sidebar(content, lang),
        footer=_footer(content, lang),
        mobile_menu=_mobile_menu(menu),
    )


def _menu(content: Content, lang: str) -> str:
    loc = content.locale[lang]
    sources = "\n".join(
        fill("menuitem.html", href=s.path, label=esc(s.name)).rstrip("\n")
        for s in content.sources_for(lang)
    )
    sections = "\n".join(
        fill("menuitem.html", href=section_path(lang, name), label=esc(label)).rstrip()
        for name, label in loc["sections"].items()
    )
    return fill(
        "menu.html",
        home=loc["home"],
        menu_home=esc(loc["menu_home"]),
        menu_sources=esc(loc["menu_sources"]),
        source_items=sources,
        section_items=sections,
        other_lang_item=(
            '<li class="ui-menuitem ui-widget ui-corner-all" role="menuitem">'
            f'<a class="ui-menuitem-link ui-corner-all" {link}>'
            f'<span class="ui-menuitem-text">{esc(loc["menu_other_lang"])}</span></a></li>'
            if (link := _other_lang_attributes(loc))
            else ""
        ),
    ).rstrip("\n")


def _other_lang_attributes(loc: dict[str, Any]) -> str:
    """``href`` and ``hreflang`` of the link to the site's other section; none on a site
    with one section (Sudaress, Yemeress: Arabic only)."""
    if "other_lang" not in loc:
        return ""
    return f'href="{loc["other_lang_home"]}" hreflang="{loc["other_lang"]}"'


def _ticker(
    content: Content, lang: str, hostile: tuple[str, ...], duplicates: bool, host: str | None
) -> str:
    anchors = "".join(
        f'<a href="{esc(path)}">{esc(title)}</a>{TICKER_SEPARATOR}'
        + (
            variant_anchors(content, duplicates, host, path, esc(title), TICKER_SEPARATOR)
            if title
            else ""
        )
        for title, path in content.tickers.get(lang, ())
    )
    anchors += "".join(
        f'<a href="{esc(url)}">{esc(HOSTILE_LABEL[lang])}</a>{TICKER_SEPARATOR}' for url in hostile
    )
    return fill("ticker.html", anchors=anchors)


def _sidebar(content: Content, lang: str) -> str:
    items = "\n".join(
        f'<li><a href="{a.path}">{esc(a.title)}</a></li>'
        for a in content.newest(lang)[:SIDEBAR_COUNT]
    )
    # "Most read" has no real counts behind it: a stable pseudo-random pick of the section.
    popular = heapq.nsmallest(
        SIDEBAR_COUNT,
        (a for a in content.articles if a.lang == lang),
        key=lambda a: hashlib.sha256(a.path.encode()).hexdigest(),
    )
    most_read = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in popular)
    loc = content.locale[lang]
    return fill(
        "sidebar.html",
        latest=esc(loc["latest"]),
        items=items,
        most_read=esc(loc["most_read"]),
        most_read_items=most_read,
        fb_locale=FACEBOOK_LOCALE[lang],
        site=content.site.name,
    )


def _footer(content: Content, lang: str) -> str:
    loc = content.locale[lang]
    links = " ".join(
        f'<a href="{section_path(lang, name)}">{esc(label)}</a>'
        for name, label in loc["sections"].items()
    )
    return fill(
        "footer.html",
        section_links=links,
        newspaper_links=" ".join(
            f'<a href="{s.path}">{esc(s.name)}</a>' for s in content.sources_for(lang)
        ),
        rss_href=rss_path(lang, None),
        rss_label=esc(loc["rss_label"]),
        other_lang_link=(
            f" <a {link}>{esc(loc['menu_other_lang'])}</a>"
            if (link := _other_lang_attributes(loc))
            else ""
        ),
        footer=esc(loc["footer"]),
        site=content.site.name,
    )


def _mobile_menu(menu: str) -> str:
    """The menu again, as the collapsed mobile menu real pages also carry (padding only)."""
    return (
        menu.replace('id="menu" class="ui-menubar"', 'id="mobilemenu" class="ui-slidemenu"')
        .replace('id="menu_s"', 'id="mobilemenu_s"')
        .replace(
            '"Menubar","widget_menu",{id:"menu"', '"SlideMenu","widget_mobilemenu",{id:"mobilemenu"'
        )
        + "\n"
    )


# --- shared pieces ---------------------------------------------------------------------------


def section_path(lang: str, name: str) -> str:
    return f"{PREFIX[lang]}/{name}"


def rss_path(lang: str, slug: str | None) -> str:
    prefix = PREFIX[lang]
    return f"{prefix}/{slug}/rss" if slug else f"{prefix}/rss"


def shown_datetime(
    content: Content, snapshot: Snapshot, article: FixtureArticle
) -> datetime | None:
    """The publication time pages and feeds show: none while dates are hidden."""
    return None if snapshot.faults.hide_dates else content.published_datetime(article)


def date_text(content: Content, article: FixtureArticle, markup: Markup) -> str:
    assert article.published is not None
    year, month, day = article.published.split("-")
    if markup.date_format == "numeric":
        return f"{day} - {month} - {year}"
    months = content.locale[article.lang]["months"][markup.date_format]
    return f"{day} {months[int(month) - 1]} {year}"


def duplicate_variants(path: str, host: str | None) -> list[str]:
    """The variant hrefs duplicate links add for an article path: with ``?utm_source=x``,
    with a trailing slash, with ``?page=1&utm=y``, and the absolute URL on the other loopback
    name (``localhost`` for ``127.0.0.1`` and back; ``host`` is the request's Host header)."""
    name, colon, port = (host or "localhost").rpartition(":")
    if not colon or not port.isdigit():
        name, port = host or "localhost", ""
    other = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(name.lower(), "localhost")
    other_host = f"{other}:{port}" if port else other
    return [
        f"{path}?utm_source=x",
        f"{path}/",
        f"{path}?page=1&utm=y",
        f"http://{other_host}{path}",
    ]


def variant_anchors(
    content: Content,
    duplicates: bool,
    host: str | None,
    path: str,
    label: str,
    separator: str = " ",
) -> str:
    """Anchors to the duplicate variants of an article path, when they are switched on."""
    if not duplicates or path not in content.by_path:
        return ""
    return "".join(
        f'<a href="{esc(href)}">{label}</a>{separator}' for href in duplicate_variants(path, host)
    )


def hostile_anchors(snapshot: Snapshot, lang: str, labelled: bool) -> str:
    """The hostile hrefs as labelled anchors (after the «click here» link) or empty ones
    (inside the article body, where a label would change the text)."""
    if labelled:
        label = esc(HOSTILE_LABEL[lang])
        return "".join(f' <a href="{esc(url)}">{label}</a>' for url in snapshot.hostile)
    return "".join(f'<a href="{esc(url)}"></a>' for url in snapshot.hostile)
