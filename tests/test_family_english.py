"""The sister sites with an English section, Masress and Sauress, end to end.

The fixture serves their Arabic sections at the root and their English ones under
``/en``; the crawl writes ``masress:en:<slug>:<n>`` records and one strip per section.
Expectations are typed from ``content/masress/*.json`` and ``content/sauress/*.json``,
not computed by the fixture's code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from parsel import Selector

from newsspider.demo_site import DemoFamily, load_site
from newsspider.extract import page_from_response
from newsspider.items import Article, Headlines
from newsspider.params import ArgumentError, parse_args
from newsspider.records import page_records
from newsspider.sites import SITES
from tests.conftest import run_crawl
from tests.inprocess import crawl

# Every article of the two sites, by section (content/<site>/articles_<lang>.json).
ARTICLES = {
    ("masress", "en"): {
        "masress:en:ahram-online:452310",
        "masress:en:ahram-online:452287",
        "masress:en:dailynews:240512",
        "masress:en:egypt-independent:118934",
    },
    ("masress", "ar"): {
        "masress:ar:almasryalyoum:2571043",
        "masress:ar:youm7:5716820",
        "masress:ar:youm7:5715402",
        "masress:ar:shorouk:1634871",
    },
    ("sauress", "en"): {
        "sauress:en:arab-news:2058741",
        "sauress:en:arab-news:2058310",
        "sauress:en:saudi-gazette:619402",
        "sauress:en:saudi-gazette:619355",
    },
    ("sauress", "ar"): {
        "sauress:ar:okaz:2101845",
        "sauress:ar:alriyadh:1945112",
        "sauress:ar:alriyadh:1944980",
        "sauress:ar:almadina:773402",
    },
}
# content/<site>/ticker.json, "en": the empty anchor is dropped.
ENGLISH_STRIPS = {
    "masress": [
        (
            "Suez Canal revenues reach monthly record of $629 million in March",
            "/en/ahram-online/452310",
        ),
        (
            "Health ministry extends vaccination hours in Cairo and Giza during Ramadan",
            "/en/dailynews/240512",
        ),
        (
            "Grand Egyptian Museum receives the last of Tutankhamun's chariots",
            "/en/ahram-online/452287",
        ),
        (
            "Pyramids FC edge Ismailia side to climb to third in the Premier League",
            "/en/egypt-independent/118934",
        ),
    ],
    "sauress": [
        ("Saudi non-oil exports up 26 percent in February, GASTAT says", "/en/arab-news/2058741"),
        ("Riyadh Metro test runs extended to the Green Line", "/en/saudi-gazette/619402"),
        ("Diriyah opens a Ramadan night market in its historic quarter", "/en/arab-news/2058310"),
        (
            "Ministry of Health opens 14 new primary care clinics in Jeddah",
            "/en/saudi-gazette/619355",
        ),
    ],
}
CLICK_HERE = {
    "masress": "Clic here to read the story from its source.",
    "sauress": "Click here to read the story from its source.",
}


def page(site: str, path: str) -> Selector:
    response = load_site(site=site).render(path)
    assert response.status == 200, (site, path, response.status)
    return Selector(text=response.body.decode("utf-8"), type="html")


# --- the fixture's English sections ----------------------------------------------------------


@pytest.mark.parametrize("site", ["masress", "sauress"])
def test_english_section_home_menu_and_strip(site: str) -> None:
    home = page(site, "/en")
    assert home.css("html::attr(lang)").get() == "en"
    assert home.css("html::attr(dir)").get() == "ltr"
    teasers = home.css("a.teasertitle::attr(href)").getall()
    assert sorted(teasers) == sorted(path for _, path in ENGLISH_STRIPS[site])
    anchors = home.css("marquee#marquee span.marquee > a")
    shown = [("".join(a.css("::text").getall()), a.attrib["href"]) for a in anchors]
    assert [entry for entry in shown if entry[0]] == ENGLISH_STRIPS[site]
    assert len(shown) == 5  # and one empty anchor
    assert home.css('a[href="/"]::text').getall()  # the other section: Arabic at the root


def test_english_published_lines_click_here_and_month_names() -> None:
    span = page("masress", "/en/ahram-online/452310")
    line = "".join(span.css("span.articlenewspaper ::text").getall())
    assert line == "Published in Ahram Online on 07 - 04 - 2022"
    assert span.css("p.articlesource a::text").get() == CLICK_HERE["masress"]
    assert span.css("div.modal p::text").get() == "Thank you for reporting!"
    month = page("masress", "/en/dailynews/240512")
    line = "".join(month.css("span.articlenewspaper ::text").getall())
    assert line == "Published in Daily News Egypt on 07 April 2022"
    post = page("sauress", "/en/arab-news/2058741")
    assert "".join(post.css("div.post-meta ::text").getall()) == (
        "Published in Arab News on 08 - 04 - 2022"
    )
    assert post.css("div.post-meta time::attr(datetime)").get() == "2022-04-08T11:00:00+03:00"
    assert post.css("p.post-origin a::text").get() == CLICK_HERE["sauress"]
    sauress_span = page("sauress", "/en/arab-news/2058310")
    assert "".join(sauress_span.css("span.articlenewspaper ::text").getall()) == (
        "Published in Arab News on 07 April 2022"
    )


def test_english_feeds_and_listings() -> None:
    site = load_site(site="sauress")
    channel = ElementTree.fromstring(site.render("/en/rss").body).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Sauress - Saudi Arabia news in English"
    assert channel.findtext("language") == "en"
    links = [item.findtext("link") for item in channel.findall("item")]
    assert links == [
        "https://www.sauress.com/en/arab-news/2058741",
        "https://www.sauress.com/en/saudi-gazette/619402",
        "https://www.sauress.com/en/arab-news/2058310",
        "https://www.sauress.com/en/saudi-gazette/619355",
    ]
    assert channel.findall("item")[0].findtext("pubDate") == "Fri, 08 Apr 2022 11:00:00 +0300"
    gazette = ElementTree.fromstring(site.render("/en/saudi-gazette/rss").body)
    assert [item.findtext("title") for item in gazette.iter("item")] == [
        "Riyadh Metro test runs extended to the Green Line",
        "Ministry of Health opens 14 new primary care clinics in Jeddah",
    ]
    listing = page("sauress", "/en/saudi-gazette")
    assert listing.css("a.teasertitle::attr(href)").getall() == [
        "/en/saudi-gazette/619402",
        "/en/saudi-gazette/619355",
    ]
    assert listing.css("span.teaserdate::text").getall() == ["08 - 04 - 2022", "06 - 04 - 2022"]


def test_sections_belong_to_the_sites_that_have_them() -> None:
    masress, maghress = load_site(site="masress"), load_site()
    assert masress.render("/fr").status == 404  # Masress has no French section
    assert masress.render("/en/youm7/5716820").status == 404  # an Arabic article, not English
    assert masress.render("/youm7/5716820").status == 200
    assert maghress.render("/en").status == 404  # Maghress has no English section
    assert maghress.render("/en/rss").status == 404


# --- crawls ----------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["masress", "sauress"])
def test_an_in_process_crawl_writes_every_article_and_one_strip_per_section(site: str) -> None:
    run = crawl(site=site)
    articles = [item for item in run.items if isinstance(item, Article)]
    strips = [item for item in run.items if isinstance(item, Headlines)]
    for lang in ("en", "ar"):
        assert {a.id for a in articles if a.lang == lang} == ARTICLES[(site, lang)]
    assert len(articles) == 8  # each once
    assert Counter(strip.lang for strip in strips) == {"en": 1, "ar": 1}
    (english,) = [strip for strip in strips if strip.lang == "en"]
    assert [(h["title"], h["url"]) for h in english.headlines] == [
        (title, f"http://127.0.0.1:8000{path}") for title, path in ENGLISH_STRIPS[site]
    ]
    assert {a.site for a in articles} == {site}


def test_lang_en_crawls_the_english_section_alone() -> None:
    run = crawl(site="sauress", lang="en")
    assert {item.id for item in run.items if isinstance(item, Article)} == ARTICLES[
        ("sauress", "en")
    ]
    assert [item.lang for item in run.items if isinstance(item, Headlines)] == ["en"]
    assert not [path for path in run.paths if not path.startswith("/en")]


def test_english_arguments_and_ids() -> None:
    masress = SITES["masress"]
    assert parse_args(masress, {"lang": "en"}).langs == ("en",)
    assert parse_args(masress, {}).langs == ("ar", "en")
    with pytest.raises(ArgumentError, match=r"expected one of ar, en or 'both', got 'fr'"):
        parse_args(masress, {"lang": "fr"})
    url = "http://masress.com/en/ahram-online/452310/?utm_source=x"
    assert masress.article_id(url) == "masress:en:ahram-online:452310"
    english = "http://masress.com/en/ahram-online/452310"
    assert parse_args(masress, {"urls": english}).urls == (
        "https://www.masress.com/en/ahram-online/452310",
    )


@pytest.fixture(scope="module")
def masress_mirror() -> Iterator[str]:
    with DemoFamily(["masress"]) as family:
        yield family["masress"].base_url


def test_scrapy_crawl_masress_writes_english_records_and_strips(
    masress_mirror: str, tmp_path: Path
) -> None:
    """``scrapy crawl masress`` as a user runs it: ``masress:en:…`` ids, the English
    strip, a clean exit."""
    run = run_crawl(tmp_path, "-a", f"base_url={masress_mirror}", spider="masress")
    assert run.returncode == 0, run.stderr[-2000:]
    articles = run.records("masress/articles-*.jsonl")
    by_lang = {lang: {a["id"] for a in articles if a["lang"] == lang} for lang in ("en", "ar")}
    assert by_lang == {"en": ARTICLES[("masress", "en")], "ar": ARTICLES[("masress", "ar")]}
    assert len(articles) == 8
    suez = next(a for a in articles if a["id"] == "masress:en:ahram-online:452310")
    assert (suez["source_name"], suez["published"]) == ("Ahram Online", "2022-04-07")
    assert suez["url"] == f"{masress_mirror}/en/ahram-online/452310"
    assert "Clic here" not in suez["body"] and "Thank you for reporting" not in suez["body"]
    stadium = next(a for a in articles if a["id"] == "masress:en:egypt-independent:118934")
    assert stadium["published"] == "2022-04-05T21:15:00+02:00"
    strips = run.records("masress/headlines-*.jsonl")
    assert sorted(strip["lang"] for strip in strips) == ["ar", "en"]
    (english,) = [strip for strip in strips if strip["lang"] == "en"]
    assert english["id"].startswith("masress:en:headlines:")
    assert [h["title"] for h in english["headlines"]] == [t for t, _ in ENGLISH_STRIPS["masress"]]


def test_an_added_english_article_tops_the_english_section() -> None:
    """The test controls publish in English too (incremental crawls of an English section)."""
    site = load_site(site="sauress")
    added = site.add_article("en", source="arab-news")
    assert (added.path, added.lang) == ("/en/arab-news/2058742", "en")
    assert added.title.startswith("Dispatch no. 1: ")
    home = Selector(text=site.render("/en").body.decode("utf-8"), type="html")
    assert home.css("a.teasertitle::attr(href)").get() == added.path
    assert home.css("marquee#marquee span.marquee > a::attr(href)").get() == added.path
    arabic = Selector(text=site.render("/").body.decode("utf-8"), type="html")
    assert arabic.css("a.teasertitle::attr(href)").get() == "/almadina/773402"  # unchanged
    with pytest.raises(ValueError, match="no en source"):
        load_site().add_article("en")


@pytest.mark.parametrize("site", ["masress", "sauress"])
def test_the_fixtures_offset_is_the_sites_time_zone_on_every_article(site: str) -> None:
    """The fixture writes one fixed offset; the product reads the site's IANA zone."""
    fixture, zone = load_site(site=site), SITES[site].zone
    for article in fixture.articles:
        when = fixture.content.published_datetime(article)
        assert when is not None and when.utcoffset() == zone.utcoffset(when.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("site", "path", "source_url"),
    [
        (
            "masress",
            "/en/ahram-online/452287",
            "https://english.ahram.org.eg/NewsContent/9/40/452287/Heritage/Ancient-Egypt/"
            "Grand-Egyptian-Museum-receives-last-chariot.aspx",
        ),
        ("sauress", "/en/saudi-gazette/619402", "https://saudigazette.com.sa/article/619402"),
    ],
)
def test_english_read_also_links_beside_the_click_here_are_not_the_source(
    site: str, path: str, source_url: str
) -> None:
    """Hostile links labelled "Read also" follow the click-here link and end the body."""
    fixture = load_site(site=site)
    fixture.set_hostile_links(["https://evil.example/story", "javascript:alert(1)"])
    html = fixture.render(path).body
    assert b">Read also</a>" in html
    url = SITES[site].default_base_url + path
    article = page_records(page_from_response(url, html, None, SITES[site])).article
    assert article is not None
    assert article.source_url == source_url
    assert "Read also" not in article.body and "evil.example" not in article.body
    assert article.body.split("\n\n")[0].startswith(
        {"masress": "The sixth and last", "sauress": "Test runs of the Riyadh Metro"}[site]
    )
