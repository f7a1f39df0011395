"""Which links of a listing page lead somewhere: a link that shows nothing is no teaser."""

from __future__ import annotations

import lxml.html

from newsspider.extract.maghress import MaghressPage
from newsspider.sites import SITES

BASE = "http://127.0.0.1:8000"

# Each article link of a strip or sidebar, as the family's pages and hostile ones
# write it; the number in each URL says whether it shows something (1) or not (0).
ANCHORS = """
<a href="/hespress/1001">عنوان</a>
<a href="/hespress/1002"><span>Titre dans un span</span></a>
<a href="/hespress/1003"><span></span> suite après le span</a>
<a href="/hespress/1004"><img src="/p.png"></a>
<a href="/hespress/1005"><span><b><i>profond</i></b></span></a>
<a href="/hespress/2001"></a>
<a href="/hespress/2002">  \n\t  </a>
<a href="/hespress/2003">&nbsp;&#8195;</a>
<a href="/hespress/2004"><!-- un commentaire --></a>
<a href="/hespress/2005"><span> </span> <svg></svg></a>
<a href="/hespress/2006"></a> texte après le lien
<a href="/hespress/1006"><!-- commentaire --> après le commentaire</a>
"""


def test_only_links_that_show_text_or_an_image_are_article_links() -> None:
    html = f"<html><body><div id='strip'>{ANCHORS}</div></body></html>"
    page = MaghressPage(html, f"{BASE}/hespress", SITES["maghress"])
    shown = [teaser.url.removeprefix(BASE) for teaser in page.teasers()]
    assert shown == [f"/hespress/100{n}" for n in (1, 2, 3, 4, 5, 6)]


def test_what_shows_is_what_the_text_content_of_the_link_says() -> None:
    """The same answer as lxml's ``text_content()`` on every anchor above."""
    root = lxml.html.fromstring(f"<div>{ANCHORS}</div>")
    anchors = list(root.iter("a"))
    assert len(anchors) == 12
    page = MaghressPage(lxml.html.tostring(root, encoding="unicode"), BASE, SITES["maghress"])
    by_text = [
        anchor.get("href")
        for anchor in anchors
        if anchor.text_content().strip() or anchor.find(".//img") is not None
    ]
    assert [url.removeprefix(BASE) for url in page._links(with_text=True)] == by_text
