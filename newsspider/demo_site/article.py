"""Article pages in their three layouts: the span layout of public scrapers, the newer
``<article>`` layout with OpenGraph and JSON-LD, and the relaunch nobody knows
(``unknown_layout`` fault). Every body quirk of :class:`Markup` is rendered here."""

from __future__ import annotations

import json
from typing import Any

from .chrome import date_text, hostile_anchors, page, shown_datetime
from .content import Content, FixtureArticle, Markup, Source
from .controls import Snapshot
from .response import Response
from .templates import ADSENSE, ad, esc, esc_entities, fill, raw_html

RELATED_COUNT = 4


def article_page(
    content: Content, snapshot: Snapshot, host: str | None, article: FixtureArticle
) -> Response:
    loc = content.locale[article.lang]
    markup = content.markup[article.path]
    source = content.source(article.source)
    assert source is not None
    image = f"{content.image_host}/{article.source}/{article.id}/thumb"
    modal_1, modal_2 = loc["modal"]
    explicit = content.raw_text.get(article.path)
    title = raw_html(explicit[0]) if explicit else esc(article.title)
    line = _published_line(content, snapshot, article, source, markup, post=False)
    if snapshot.faults.unknown_layout:
        main = fill(
            "article_relaunch.html",
            modal_1=esc(modal_1),
            modal_2=esc(modal_2),
            id=article.id,
            title=title,
            published_line=line,
            image=image,
            body="".join(
                f"<p>{raw_html(explicit[1][i]) if explicit else esc(p)}</p>"
                for i, p in enumerate(article.paragraphs)
            )
            + hostile_anchors(snapshot, article.lang, labelled=False),
            origin=_origin_relaunch(content, snapshot, article),
        )
        head_extra = ""
    elif article.layout == "span":
        main = fill(
            "article_span.html",
            modal_1=esc(modal_1),
            modal_2=esc(modal_2),
            title=title,
            published_line=line,
            image=image,
            body=_span_body(content, snapshot, article, markup),
            origin=_origin(content, snapshot, article, post=False),
        )
        head_extra = ""
    else:
        main = fill(
            "article_post.html",
            modal_1=esc(modal_1),
            modal_2=esc(modal_2),
            id=article.id,
            title=title,
            published_line=_published_line(content, snapshot, article, source, markup, post=True),
            image=image,
            caption=esc(markup.caption or loc["caption"]),
            body=_post_body(content, snapshot, article, markup),
            origin=_origin(content, snapshot, article, post=True),
        )
        head_extra = _post_head(content, snapshot, article, source, image)
    same_section = content.newest(article.lang, None, article.section)
    related = [a for a in same_section[: RELATED_COUNT + 1] if a is not article]
    main += fill(
        "related.html",
        heading=esc(loc["related"]),
        items="\n".join(
            f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in related[:RELATED_COUNT]
        ),
        comments_href=content.canonical + article.path,
    )
    return page(
        content,
        snapshot,
        host,
        article.lang,
        main,
        title=loc["title_prefix"] + article.title,
        head_extra=head_extra,
        form_action=article.path,
        encoding=article.encoding,
        restyle=snapshot.faults.unknown_layout,
    )


def _published_line(
    content: Content,
    snapshot: Snapshot,
    article: FixtureArticle,
    source: Source,
    markup: Markup,
    post: bool,
) -> str:
    """«Publié dans <a>Libération</a> le 19 - 10 - 2019»; no date part when undated."""
    loc = content.locale[article.lang]
    link_class = ' class="post-source"' if post else ""
    line = f'{esc(loc["published"])} <a{link_class} href="{source.path}">{esc(source.name)}</a>'
    when = shown_datetime(content, snapshot, article)
    if when is None:
        return line
    date = date_text(content, article, markup)
    if post:
        date = f'<time datetime="{when.isoformat()}">{date}</time>'
    return f"{line} {esc(loc['date_word'])} {date}"


def _origin(content: Content, snapshot: Snapshot, article: FixtureArticle, post: bool) -> str:
    """The «click here» link to the article on the newspaper's own site."""
    if article.source_url is None:
        return ""
    text = esc(content.locale[article.lang]["click_here"])
    href = esc(article.source_url)
    hostile = hostile_anchors(snapshot, article.lang, labelled=True)
    if post:
        return (
            f'<p class="post-origin"><a href="{href}" rel="nofollow noopener" '
            f'target="_blank">{text}</a>{hostile}</p>'
        )
    return (
        f'<p class="articlesource"><a href="{href}" target="_blank" '
        f'rel="nofollow">{text}</a>{hostile}</p>'
    )


def _origin_relaunch(content: Content, snapshot: Snapshot, article: FixtureArticle) -> str:
    if article.source_url is None:
        return ""
    text = esc(content.locale[article.lang]["click_here"])
    hostile = hostile_anchors(snapshot, article.lang, labelled=True)
    return (
        f'<div class="story-source"><a href="{esc(article.source_url)}" target="_blank" '
        f'rel="nofollow">{text}</a>{hostile}</div>'
    )


def _post_head(
    content: Content, snapshot: Snapshot, article: FixtureArticle, source: Source, image: str
) -> str:
    """OpenGraph and JSON-LD of the newer layout (published time omitted when undated)."""
    when = shown_datetime(content, snapshot, article)
    url = content.canonical + article.path
    meta = [
        '<meta property="og:type" content="article" />',
        f'<meta property="og:title" content="{esc(article.title)}" />',
        f'<meta property="og:url" content="{url}" />',
        f'<meta property="og:image" content="https:{image}" />',
        f'<meta property="og:site_name" content="{esc(content.display_name)}" />',
    ]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": article.lang,
        "mainEntityOfPage": url,
        "image": f"https:{image}",
    }
    if when is not None:
        meta.append(f'<meta property="article:published_time" content="{when.isoformat()}" />')
        data["datePublished"] = when.isoformat()
    if article.source_url is not None:
        data["isBasedOn"] = article.source_url
    data["sourceOrganization"] = {"@type": "NewsMediaOrganization", "name": source.name}
    data["publisher"] = {"@type": "Organization", "name": content.display_name}
    ld = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    meta.append(f'<script type="application/ld+json">\n{ld}\n</script>')
    return "\n".join(meta) + "\n"


# --- bodies ----------------------------------------------------------------------------------


def _groups(article: FixtureArticle, markup: Markup) -> list[list[int]]:
    sizes = markup.groups or (len(article.paragraphs),)
    groups, start = [], 0
    for size in sizes:
        groups.append(list(range(start, start + size)))
        start += size
    return groups


def _between(content: Content, kind: str, lang: str, ad_number: int) -> str:
    if kind == "share":
        return f'<div class="sharebuttons">{esc(content.locale[lang]["share"])}</div>'
    return ad(ad_number)


def _inline(text: str, markup: Markup) -> str:
    """One paragraph as HTML: escaped, with its inline <b>/<i>/<a> and source line breaks."""
    escape = esc_entities if markup.entities else esc
    marks: list[tuple[int, int, str, str]] = []
    for kind, phrases in (("b", markup.bold), ("i", markup.italic)):
        marks += [(text.find(p), text.find(p) + len(p), kind, "") for p in phrases if p in text]
    for phrase, href in markup.links:
        if phrase in text:
            start = text.find(phrase)
            marks.append((start, start + len(phrase), "a", href))
    for phrase in markup.breaks:
        if phrase + " " in text:
            end = text.find(phrase + " ") + len(phrase)
            marks.append((end, end + 1, "br", ""))
    out, position = [], 0
    for start, end, kind, href in sorted(marks):
        out.append(escape(text[position:start]))
        inner = escape(text[start:end])
        if kind == "br":
            out.append("\n")
        elif kind == "a":
            out.append(f'<a href="{esc(href)}">{inner}</a>')
            if text[end : end + 1] == " ":
                # As on the real pages: the space after an inline link is a &nbsp;.
                out.append("&nbsp;")
                end += 1
        else:
            out.append(f"<{kind}>{inner}</{kind}>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def _paragraph(content: Content, article: FixtureArticle, index: int, markup: Markup) -> str:
    """One paragraph as HTML: its explicit raw form when add_article() was given one."""
    explicit = content.raw_text.get(article.path)
    if explicit:
        return raw_html(explicit[1][index])
    return _inline(article.paragraphs[index], markup)


def _span_body(
    content: Content, snapshot: Snapshot, article: FixtureArticle, markup: Markup
) -> str:
    parts: list[str] = []
    ad_number = 1
    groups = _groups(article, markup)
    for number, group in enumerate(groups):
        if number:
            parts.append(_between(content, markup.between[number - 1], article.lang, ad_number))
            ad_number += markup.between[number - 1] == "ad"
        paragraphs = [_paragraph(content, article, i, markup) for i in group]
        if markup.stray_whitespace:
            paragraphs = [f"\n\t\t{p}  " for p in paragraphs]
        if markup.paragraph_tag == "p":
            blocks = [f"<p>{p}</p>" for p in paragraphs]
            joiner = "\n"
        else:
            blocks = paragraphs
            joiner = " \n<br /><br />\n" if markup.stray_whitespace else "<br /><br />"
        if markup.inline_ad and number == 0 and len(blocks) > 1:
            blocks[1] = ADSENSE + blocks[1]
        inner = joiner.join(blocks) + ("\n\t" if markup.stray_whitespace else "")
        if number == len(groups) - 1:
            inner += hostile_anchors(snapshot, article.lang, labelled=False)
        parts.append(f'<span class="articlecontent">{inner}</span>')
    return "\n".join(parts)


def _post_body(
    content: Content, snapshot: Snapshot, article: FixtureArticle, markup: Markup
) -> str:
    parts: list[str] = []
    ad_number = 1
    for number, group in enumerate(_groups(article, markup)):
        if number:
            parts.append(_between(content, markup.between[number - 1], article.lang, ad_number))
            ad_number += markup.between[number - 1] == "ad"
        for i in group:
            text = _paragraph(content, article, i, markup)
            parts.append(f"<p>\n  {text}\n</p>" if markup.stray_whitespace else f"<p>{text}</p>")
    return "".join(parts) + hostile_anchors(snapshot, article.lang, labelled=False)
