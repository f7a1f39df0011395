"""Which links of a listing page lead somewhere: a link that shows nothing is no teaser."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml.cssselect import CSSSelector

from newsspider.extract.links import folder, names_next, resolve, shows_something, teaser_parts
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
    by_text = [
        anchor.get("href")
        for anchor in anchors
        if anchor.text_content().strip() or anchor.find(".//img") is not None
    ]
    assert [anchor.get("href") for anchor in anchors if shows_something(anchor)] == by_text


# Links that are and are not the next page's, as CSS reads ``rel~=next`` and ``.next``:
# words split at spaces, tabs and line ends only (not at a form feed or ``&nbsp;``),
# case counts.  The number in each URL says whether it is one (1) or not (0).
NEXT_LINKS = """<html><head>
<link rel="alternate" href="/fr/libe/rss?0">
<link rel="prev next" href="https://elsewhere.example/fr/libe?1">
</head><body>
<a rel="nofollow nextpage" href="/fr/libe?page=0">a</a>
<a rel="next&#12;" href="/fr/libe?page=00">b</a>
<a rel="next&nbsp;" href="/fr/libe?page=000">c</a>
<a class="btn NEXT" href="/fr/libe?page=0000">d</a>
<a class="next-page" href="/fr/libe?page=00000">e</a>
<link class="next" href="/fr/libe?page=000000">
<a rel=" next " href="">f</a>
<a class="pager\tnext" href="/fr/libe?page=1">g</a>
<a rel="next" href="/fr/libe?page=11">h</a>
</body></html>"""


def test_the_next_page_is_the_first_on_site_link_css_would_name_next() -> None:
    page = MaghressPage(NEXT_LINKS, f"{BASE}/fr/libe", SITES["maghress"])
    assert page.next_page() == f"{BASE}/fr/libe?page=1"
    named = [link.get("href") for link in page._link_elements if names_next(link)]
    by_css = [
        link.get("href") for link in CSSSelector("a[rel~=next], link[rel~=next], a.next")(page.tree)
    ]
    assert (
        named
        == by_css
        == ["https://elsewhere.example/fr/libe?1", "", "/fr/libe?page=1", "/fr/libe?page=11"]
    )


TEASER_BOXES = """<html><body>
<div class="teasercontainer teaserdate"><a class="teasertitle" href="/fr/libe/1">Un</a>
  <span class="teaserdate">hier</span></div>
<div class="teasercontainer"><a class="teasertitle&nbsp;x" href="/fr/libe/0">Zéro</a>
  <span class="date teaserdate"><b class="teaserdate">12/03/2024</b></span>
  <div><a class="big\nteasertitle" href="/fr/libe/2">Deux</a><a class="teasertitle" href="/fr/libe/3">Trois</a></div></div>
<div class="teasercontainer"><p class="teaserdate-x">x</p><span class="teasertitle"><a href="/fr/libe/4">Quatre</a></span></div>
</body></html>"""


def test_a_teaser_box_gives_its_first_title_link_and_date_as_css_would() -> None:
    root = lxml.html.fromstring(TEASER_BOXES)
    parts = [teaser_parts(box) for box in CSSSelector("div.teasercontainer")(root)]
    hrefs = [(link.get("href") if link is not None else None) for link, _date in parts]
    dates = [
        (" ".join(date.text_content().split()) if date is not None else None)
        for _link, date in parts
    ]
    assert hrefs == ["/fr/libe/1", "/fr/libe/2", None]
    assert dates == ["Un hier", "12/03/2024", None], "the box itself may be its date"
    for box, (link, date) in zip(CSSSelector("div.teasercontainer")(root), parts, strict=True):
        assert link is next(iter(CSSSelector("a.teasertitle")(box)), None)
        assert date is next(iter(CSSSelector(".teaserdate")(box)), None)


def test_a_link_that_shows_nothing_does_not_take_the_place_of_a_later_one() -> None:
    html = """<html><body><a href="/hespress/7"></a><a href="/hespress/8">Huit</a>
    <a href="/hespress/7">Sept</a><a href="/hespress/8">Huit encore</a></body></html>"""
    page = MaghressPage(html, f"{BASE}/hespress", SITES["maghress"])
    assert [teaser.url.removeprefix(BASE) for teaser in page.teasers()] == [
        "/hespress/8",
        "/hespress/7",
    ]


def joined(base: str, href: str) -> tuple[str, str] | None:
    """Where a link leads, as the rule says it: joined to the page, split, no fragment."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https"):
        return None
    return parts._replace(fragment="").geturl(), parts.netloc


def split_folder(url: str) -> str:
    """A page's folder as the rule says it: split, no query nor fragment, to the last "/"."""
    page = urlsplit(url)._replace(query="", fragment="").geturl()
    return page[: page.rfind("/") + 1]


PAGES_AT = ["https://www.maghress.com", "http://127.0.0.1:8000", "https://www.maghress.com/fr/"]
HREF_SHAPES = [
    "{c}https://www.libe.ma/a",
    "https{c}://www.libe.ma/a",
    "https://{c}www.libe.ma/a",
    "https://www.libe.ma{c}/a",
    "http://www.libe.ma:80{c}/a",
    "https://www.libe.ma/{c}",
    "https://www.libe.ma/a{c}b?q=1",
    "https://www.libe.ma/a?{c}",
    "https://www.libe.ma/a?q={c}#f",
    "https://www.libe.ma/a#{c}",
    "https://www.libe.ma{c}",
    "HTTPS://www.libe.ma/a{c}",
]


def test_a_link_leads_where_joining_it_says_for_every_character() -> None:
    chars = [chr(code) for code in range(128)] + ["é", "\xa0", "\u3000", "ſ", "\ufe13"]
    for base in PAGES_AT:
        for shape in HREF_SHAPES:
            for char in chars:
                href = shape.format(c=char)
                try:
                    expected = joined(base, href)
                except ValueError:  # a broken host or port
                    with pytest.raises(ValueError):
                        resolve(base, href)
                    continue
                assert resolve(base, href) == expected, (base, href)
                assert folder(href) == split_folder(href), href


_HREF_PART = st.one_of(
    st.text(alphabet="aZ09-._~:/@!$&'()*+,;=%?#[]\\"),
    st.text(alphabet=st.characters(max_codepoint=0x3000)),
)


@given(
    base=st.sampled_from(PAGES_AT),
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
    host=st.text(alphabet="abz09.-:[]@", max_size=12),
    path=_HREF_PART,
    rest=_HREF_PART,
)
def test_a_link_leads_where_joining_it_says(
    base: str, scheme: str, host: str, path: str, rest: str
) -> None:
    href = f"{scheme}://{host}/{path}{rest}"
    try:
        expected = joined(base, href)
    except ValueError:
        with pytest.raises(ValueError):
            resolve(base, href)
        return
    assert resolve(base, href) == expected
    assert folder(href) == split_folder(href)
