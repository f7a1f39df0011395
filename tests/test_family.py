"""The sister sites' fixtures crawled whole, in-process: Djazairess, Turess, Sudaress, Yemeress.

Every expectation below is typed from the content files (``content/<site>/*.json``) and
the pages they render, never from the code under test: the ids each section must give,
one headline strip per section, the home page's teasers, the time zone of each site.
"""

from __future__ import annotations

from collections import Counter

import pytest
from parsel import Selector

from newsspider.items import Article, Headlines
from newsspider.sites import SITES
from tests.inprocess import crawl, fixture

# Every article of each fixture, by section: content/<site>/articles_<lang>.json.
ARTICLES = {
    "djazairess": {
        "fr": {
            "djazairess:fr:elwatan:634488",
            "djazairess:fr:elwatan:634512",
            "djazairess:fr:lesoirdalgerie:271044",
            "djazairess:fr:lesoirdalgerie:271102",
        },
        "ar": {
            "djazairess:ar:elkhabar:1578320",
            "djazairess:ar:elkhabar:1578295",
            "djazairess:ar:echorouk:612470",
        },
    },
    "turess": {
        "fr": {
            "turess:fr:lapresse:187345",
            "turess:fr:lapresse:187310",
            "turess:fr:letemps:98215",
        },
        "ar": {
            "turess:ar:assabahnews:1256044",
            "turess:ar:alchourouk:420511",
            "turess:ar:alchourouk:420476",
        },
    },
    "sudaress": {
        "ar": {
            "sudaress:ar:alsudani:145820",
            "sudaress:ar:altaghyeer:30415",
            "sudaress:ar:alrakoba:212377",
        },
    },
    "yemeress": {
        "ar": {
            "yemeress:ar:alayyam:270512",
            "yemeress:ar:almasdaronline:183044",
            "yemeress:ar:26sep:53011",
        },
    },
}
# content/<site>/ticker.json: the headlines each section's strip shows (empty anchors left out).
STRIP_SIZES = {
    "djazairess": {"fr": 4, "ar": 3},
    "turess": {"fr": 3, "ar": 3},
    "sudaress": {"ar": 3},
    "yemeress": {"ar": 3},
}

# Pages of each layout (span, <article>) over both sections, from the same files.
LAYOUTS = {"djazairess": (4, 3), "turess": (4, 2), "sudaress": (2, 1), "yemeress": (2, 1)}


@pytest.mark.parametrize("site", sorted(ARTICLES))
def test_a_whole_crawl_writes_every_article_of_every_section_once(site: str) -> None:
    run = crawl(site=site)
    articles = [item for item in run.items if isinstance(item, Article)]
    by_lang: dict[str, set[str]] = {}
    for article in articles:
        by_lang.setdefault(article.lang, set()).add(article.id)
        assert article.site == site and article.id.startswith(f"{site}:{article.lang}:")
    assert by_lang == ARTICLES[site]
    assert len(articles) == sum(len(ids) for ids in ARTICLES[site].values()), "each once"
    strips = [item for item in run.items if isinstance(item, Headlines)]
    assert Counter(strip.lang for strip in strips) == Counter(dict.fromkeys(STRIP_SIZES[site], 1))
    assert {strip.lang: len(strip.headlines) for strip in strips} == STRIP_SIZES[site]
    assert (run.stats["layout/span"], run.stats["layout/article"]) == LAYOUTS[site]
    # Nothing lost, dropped or missing on a clean fixture.
    assert not [
        key
        for key in run.stats
        if key.startswith(("failed", "lost", "dropped", "missing", "unknown"))
    ]


def test_the_sections_of_a_site_are_its_own() -> None:
    """Arabic at the root everywhere, French under /fr on Turess; Sudaress and Yemeress have
    Arabic only: no /fr section, and no link to another language."""
    turess = fixture("turess")
    french = Selector(text=turess.render("/fr").body.decode(), type="html")
    assert french.css("title::text").get() == "Turess : Toute l'actualité de la Tunisie"
    assert french.css("a.teasertitle::attr(href)").getall() == [
        "/fr/lapresse/187345",  # 2020-03-18 10:20
        "/fr/letemps/98215",  # 2020-03-17 21:15
        "/fr/lapresse/187310",  # 2020-03-17 16:40
    ]
    arabic = Selector(text=turess.render("/").body.decode(), type="html")
    assert arabic.css("html::attr(dir)").get() == "rtl"
    assert arabic.css("a[hreflang=fr]::attr(href)").getall() == ["/fr", "/fr"]  # menu, footer
    for site in ("sudaress", "yemeress"):
        home = fixture(site).render("/")
        assert home.status == 200
        page = Selector(text=home.body.decode(), type="html")
        assert page.css("a[hreflang]").getall() == []
        assert not page.css('a[href^="/fr"], a[href^="/en"]').getall()
        assert fixture(site).render("/fr").status == 404
    yemeress = Selector(text=fixture("yemeress").render("/").body.decode(), type="html")
    assert yemeress.css("title::text").get() == "يمرس : أخبار اليمن"
    assert "/26sep" in yemeress.css("div#menu a::attr(href)").getall()


@pytest.mark.parametrize(
    ("site", "path", "published_time"),
    [
        # The <article> layout prints the time with the site's offset: Tunis +01:00,
        # Khartoum +02:00 (since 2017), Aden +03:00.
        ("turess", "/alchourouk/420511", "2020-03-18T13:30:00+01:00"),
        ("djazairess", "/elkhabar/1578295", "2020-03-11T22:10:00+01:00"),
        ("sudaress", "/altaghyeer/30415", "2020-02-19T14:25:00+02:00"),
        ("yemeress", "/almasdaronline/183044", "2020-01-13T17:00:00+03:00"),
    ],
)
def test_article_pages_carry_the_sites_own_clock(site: str, path: str, published_time: str) -> None:
    page = Selector(text=fixture(site).render(path).body.decode(), type="html")
    meta = page.css('meta[property="article:published_time"]::attr(content)').get()
    assert meta == published_time
    assert page.css('meta[property="og:url"]::attr(content)').get() == (
        f"https://www.{site}.com{path}"
    )


def test_each_newspaper_has_its_listing_and_feed() -> None:
    sudaress = fixture("sudaress")
    listing = Selector(text=sudaress.render("/alrakoba").body.decode(), type="html")
    assert listing.css("a.teasertitle::attr(href)").getall() == ["/alrakoba/212377"]
    feed = Selector(text=sudaress.render("/rss").body.decode(), type="xml")
    assert feed.xpath("//channel/title/text()").get() == "سودارس - أخبار السودان"
    assert [link.split("/", 3)[3] for link in feed.xpath("//item/link/text()").getall()] == [
        "alsudani/145820",  # 2020-02-20 11:00
        "alrakoba/212377",  # 2020-02-19 20:10
        "altaghyeer/30415",  # 2020-02-19 14:25
    ]
    turess_feed = Selector(
        text=fixture("turess").render("/fr/letemps/rss").body.decode(), type="xml"
    )
    assert turess_feed.xpath("//item/title/text()").getall() == [
        "Football : l'Espérance remporte le derby face au Club Africain"
    ]


@pytest.mark.parametrize("site", sorted(ARTICLES))
def test_the_fixtures_offset_is_the_sites_time_zone_on_every_article(site: str) -> None:
    """The fixture writes one fixed offset (site.json); the product reads the registry's
    IANA zone: they agree on every article's date."""
    zone = SITES[site].zone
    for article in fixture(site).articles:
        when = fixture(site).content.published_datetime(article)
        assert when is not None and when.utcoffset() == zone.utcoffset(when.replace(tzinfo=None))
