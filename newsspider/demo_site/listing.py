"""Listing pages: a section's home (the ten newest), and the paginated pages of a
newspaper or a topic section, made of teasers."""

from __future__ import annotations

import math

from .chrome import (
    HOSTILE_LABEL,
    date_text,
    page,
    section_path,
    shown_datetime,
    variant_anchors,
)
from .content import Content, FixtureArticle, Markup, teaser_text
from .controls import Snapshot
from .response import Response
from .routes import PER_PAGE
from .templates import esc, fill

HOME_COUNT = 10


def listing_page(
    content: Content,
    snapshot: Snapshot,
    host: str | None,
    lang: str,
    what: str | None,
    name: str | None,
    number: int,
) -> Response:
    """Page ``number`` of a ``source`` or ``section`` listing, or the home page (``what`` is
    None)."""
    loc = content.locale[lang]
    if what is None:
        articles = content.newest(lang)[:HOME_COUNT]
        heading, base_path, pager = loc["home_heading"], loc["home"], ""
        title = loc["title_home"]
    else:
        assert name is not None
        if what == "source":
            everything = content.newest(lang, name, None)
            source = content.source(name)
            assert source is not None
            heading, base_path = source.name, source.path
        else:
            everything = content.newest(lang, None, name)
            heading = loc["sections"][name]
            base_path = section_path(lang, name)
        pages = max(1, math.ceil(len(everything) / PER_PAGE))
        articles = everything[(number - 1) * PER_PAGE : number * PER_PAGE]
        links = []
        if number > 1:
            links.append(
                f'<a class="previous" href="{base_path}?page={number - 1}">'
                f"{esc(loc['previous'])}</a>"
            )
        if number < pages:
            links.append(
                f'<a class="next" rel="next" href="{base_path}?page={number + 1}">'
                f"{esc(loc['next'])}</a>"
            )
        pager = f'<div class="pager">{" ".join(links)}</div>'
        title = loc["title_prefix"] + heading
    teasers = "\n".join(_teaser(content, snapshot, host, a) for a in articles) or (
        f'<p class="emptylisting">{esc(loc["empty_listing"])}</p>'
    )
    teasers += _hostile_teasers(snapshot, lang)
    main = fill("listing.html", heading=esc(heading), teasers=teasers, pager=pager)
    action = base_path if number == 1 else f"{base_path}?page={number}"
    return page(content, snapshot, host, lang, main, title=title, form_action=action)


def _teaser(content: Content, snapshot: Snapshot, host: str | None, article: FixtureArticle) -> str:
    source = content.source(article.source)
    assert source is not None
    date = ""
    if shown_datetime(content, snapshot, article) is not None:
        # Teasers always show the numeric date, whatever the article page shows.
        date = f'<span class="teaserdate">{date_text(content, article, Markup())}</span>'
    html = fill(
        "teaser.html",
        href=article.path,
        title=esc(article.title),
        image=f"{content.image_host}/{article.source}/{article.id}/thumb",
        date=date,
        source_href=source.path,
        source_name=esc(source.name),
        text=esc(teaser_text(article)),
    ).rstrip("\n")
    variants = variant_anchors(content, snapshot.duplicates, host, article.path, esc(article.title))
    if variants:
        end = html.rindex("</div>")
        html = f'{html[:end]}<p class="teaservariants">{variants.rstrip()}</p>{html[end:]}'
    return html


def _hostile_teasers(snapshot: Snapshot, lang: str) -> str:
    """One teaser box per hostile href, after a listing's own teasers."""
    label = esc(HOSTILE_LABEL[lang])
    return "".join(
        f'\n<div class="teasercontainer"><a class="teasertitle" href="{esc(url)}">{label}</a>'
        f'<p class="teasertext">{label}</p></div>'
        for url in snapshot.hostile
    )
