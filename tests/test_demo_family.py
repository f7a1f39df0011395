"""Several family sites side by side, one loopback port each: Maghress and Djazairess.

Expectations come from the content files by hand (``content/djazairess/*.json`` for
Djazairess, ``content/*.json`` for Maghress), not from the fixture's code.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from itemadapter import ItemAdapter
from parsel import Selector

from newsspider.demo_site import DemoFamily, fixture_sites, load_site
from newsspider.extract import page_from_response
from newsspider.records import page_records
from newsspider.sites import SITES

# content/djazairess/articles_fr.json, newest first (dates and times of their markup).
DJAZAIRESS_NEWEST = [
    "/fr/lesoirdalgerie/271102",  # 2020-03-12 11:10
    "/fr/elwatan/634512",  # 2020-03-12 09:30
    "/fr/elwatan/634488",  # 2020-03-11 17:45
    "/fr/lesoirdalgerie/271044",  # 2020-03-10 20:05
]
TRAMWAY = "Oran : le tramway prolongé jusqu'à la cité universitaire d'Es-Senia"
DATTES = "Les exportations de dattes en hausse de 12 % sur l'année écoulée"
FESTIVAL = "Le festival du film amazigh retrouve la maison de la culture de Tizi Ouzou"
HANDBALL = "Handball : Alger et Constantine se retrouvent en finale de la coupe"
# content/djazairess/ticker.json: an empty anchor between the second and third entries.
DJAZAIRESS_STRIP = [
    (DATTES, "/fr/lesoirdalgerie/271102"),
    (TRAMWAY, "/fr/elwatan/634512"),
    ("", "/fr/lnr/50321"),
    (FESTIVAL, "/fr/elwatan/634488"),
    (HANDBALL, "/fr/lesoirdalgerie/271044"),
]


@pytest.fixture(scope="module")
def family() -> Iterator[DemoFamily]:
    with DemoFamily(["maghress", "djazairess"]) as running:
        yield running


def fetch(base_url: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base_url + path, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def page(base_url: str, path: str) -> Selector:
    status, body = fetch(base_url, path)
    assert status == 200, (base_url, path, status)
    return Selector(text=body.decode("utf-8"), type="html")


def strip(sel: Selector) -> list[tuple[str, str]]:
    anchors = sel.css("div#belowheader marquee#marquee span.marquee > a")
    return [("".join(a.css("::text").getall()), a.attrib["href"]) for a in anchors]


def test_the_fixture_knows_every_site_and_refuses_others() -> None:
    assert fixture_sites() == [
        "maghress", "djazairess", "turess", "masress", "sauress", "sudaress", "yemeress",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="no fixture content for site 'libya'"):
        load_site(site="libya")
    with pytest.raises(ValueError, match="name each site once"):
        DemoFamily(["djazairess", "djazairess"])


def test_each_site_on_its_own_port(family: DemoFamily) -> None:
    maghress, djazairess = family["maghress"], family["djazairess"]
    assert maghress.port != djazairess.port
    assert maghress.site.name == "maghress" and djazairess.site.name == "djazairess"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", djazairess.base_url)


def test_home_pages_are_each_sites_own(family: DemoFamily) -> None:
    djazairess = page(family["djazairess"].base_url, "/fr")
    assert djazairess.css("title::text").get() == "Djazairess : Toute l'actualité de l'Algérie"
    teasers = djazairess.css("div.teasercontainer a.teasertitle::attr(href)").getall()
    assert teasers == DJAZAIRESS_NEWEST
    images = djazairess.css("img.teaserimage::attr(src)").getall()
    assert images[1] == "//images2.djazairess.com/elwatan/634512/thumb"
    menu = djazairess.css("div#menu a.ui-menuitem-link span::text").getall()
    assert {"El Watan", "Le Soir d'Algérie"} <= set(menu) and "Libération" not in menu

    maghress = page(family["maghress"].base_url, "/fr")
    assert maghress.css("title::text").get() == "Maghress : Toute l'actualité du Maroc"
    assert "/fr/libe/32509" in maghress.css("a.teasertitle::attr(href)").getall()
    assert maghress.css("img.teaserimage::attr(src)").get().startswith("//images2.maghress.com/")


def test_strips_are_each_sites_own(family: DemoFamily) -> None:
    assert strip(page(family["djazairess"].base_url, "/fr/elwatan/634488")) == DJAZAIRESS_STRIP
    maghress = strip(page(family["maghress"].base_url, "/fr"))
    # content/ticker.json: 48 headlines and 2 empty anchors, opening on aujourdhui/100740.
    assert len(maghress) == 50 and maghress[0][1] == "/fr/aujourdhui/100740"
    assert not {path for _, path in maghress} & set(DJAZAIRESS_NEWEST)


def test_article_pages_and_listings_name_the_sister_sites_hosts(family: DemoFamily) -> None:
    base = family["djazairess"].base_url
    sel = page(base, "/fr/elwatan/634488")  # the <article> layout: OpenGraph and JSON-LD
    assert sel.css("h1.post-title::text").get() == FESTIVAL
    og_url = sel.css('meta[property="og:url"]::attr(content)').get()
    assert og_url == "https://www.djazairess.com/fr/elwatan/634488"
    assert sel.css('meta[property="og:site_name"]::attr(content)').get() == "Djazairess"
    published = sel.css('meta[property="article:published_time"]::attr(content)').get()
    assert published == "2020-03-11T17:45:00+01:00"
    # Nothing of the Maghress fixture leaks into its sister's pages (hosts, ad slots, links).
    for path in ("/fr", "/fr/elwatan/634512", "/fr/elwatan/634488", "/fr/lesoirdalgerie", "/"):
        status, body = fetch(base, path)
        assert status == 200 and b"maghress" not in body.lower(), path
    listing = page(base, "/fr/elwatan")
    assert listing.css("a.teasertitle::attr(href)").getall() == [
        "/fr/elwatan/634512",
        "/fr/elwatan/634488",
    ]
    assert fetch(base, "/fr/libe/32145")[0] == 404  # a Maghress article is not served here
    assert fetch(family["maghress"].base_url, "/fr/elwatan/634512")[0] == 404


def test_feeds_are_each_sites_own(family: DemoFamily) -> None:
    base = family["djazairess"].base_url
    channel = ElementTree.fromstring(fetch(base, "/fr/rss")[1]).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Djazairess - L'actualité de l'Algérie en français"
    assert channel.findtext("generator") == "Djazairess"
    items = channel.findall("item")
    assert [item.findtext("link") for item in items] == [base + p for p in DJAZAIRESS_NEWEST]
    assert items[0].findtext("pubDate") == "Thu, 12 Mar 2020 11:10:00 +0100"
    source_feed = ElementTree.fromstring(fetch(base, "/fr/lesoirdalgerie/rss")[1])
    assert [i.findtext("title") for i in source_feed.iter("item")] == [DATTES, HANDBALL]

    maghress = family["maghress"].base_url
    channel = ElementTree.fromstring(fetch(maghress, "/fr/rss")[1]).find("channel")
    assert channel is not None and channel.findtext("generator") == "Maghress"
    links = [item.findtext("link") or "" for item in channel.findall("item")]
    assert len(links) == 20 and all(link.startswith(maghress + "/fr/") for link in links)


def test_a_djazairess_article_read_by_the_products_extraction(family: DemoFamily) -> None:
    base = family["djazairess"].base_url
    url = base + "/fr/elwatan/634512"
    status, body = fetch(base, "/fr/elwatan/634512")
    assert status == 200
    records = page_records(page_from_response(url, body, None, SITES["djazairess"]))
    assert records.reason is None and records.layout == "span"
    article = ItemAdapter(records.article).asdict()
    article.pop("crawled_at")
    assert article == {
        "schema": "newsspider.article/1",
        "id": "djazairess:fr:elwatan:634512",
        "url": url,
        "site": "djazairess",
        "lang": "fr",
        "title": TRAMWAY,
        "source_name": "El Watan",
        "source_id": "elwatan",
        "source_url": (
            "https://www.elwatan.com/regions/ouest/oran/le-tramway-prolonge-jusqua-es-senia-12-03-2020"
        ),
        "published": "2020-03-12",
        "body": (
            "Les travaux de prolongement de la ligne de tramway d'Oran vers la cité universitaire "
            "d'Es-Senia entrent dans leur dernière phase, selon la direction des transports de "
            "la wilaya.\n\n"
            "Le nouveau tronçon, long de quatre kilomètres, comptera six stations et desservira "
            "aussi le pôle hospitalier de l'est de la ville.\n\n"
            "Les essais techniques doivent commencer au printemps, avant une mise en service "
            "annoncée pour la rentrée universitaire."
        ),
    }
    headlines = ItemAdapter(records.headlines).asdict()
    assert (headlines["site"], headlines["lang"], headlines["page_url"]) == (
        "djazairess",
        "fr",
        url,
    )
    assert headlines["headlines"] == [
        {"title": title, "url": base + path} for title, path in DJAZAIRESS_STRIP if title
    ]


def _serve_demo(*options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsspider.cli", "serve-demo", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


@pytest.mark.parametrize("options", [("--site", "maghress", "--site", "djazairess"), ("--all",)])
def test_serve_demo_serves_two_sites_and_prints_one_line_each(options: tuple[str, ...]) -> None:
    process = _serve_demo(*options)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        urls = {}
        for line, name in zip(lines, ("maghress", "djazairess"), strict=True):
            match = re.fullmatch(
                rf"Demo site at (http://127\.0\.0\.1:\d+)/ \({name}; Ctrl-C to stop\)\n", line
            )
            assert match, line
            urls[name] = match[1]
        assert urls["maghress"] != urls["djazairess"]
        titles = {name: page(url, "/fr").css("title::text").get() for name, url in urls.items()}
        assert titles == {
            "maghress": "Maghress : Toute l'actualité du Maroc",
            "djazairess": "Djazairess : Toute l'actualité de l'Algérie",
        }
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_demo_refuses_a_site_without_fixture_content(monkeypatch, capsys) -> None:
    """A site added to the registry before its fixture content is refused in one line."""
    import newsspider.demo_site
    from newsspider.cli import main

    monkeypatch.setattr(newsspider.demo_site, "fixture_sites", lambda: ["maghress", "djazairess"])
    assert main(["serve-demo", "--port", "0", "--site", "turess"]) == 2
    assert capsys.readouterr().err == (
        "newsspider serve-demo: error: the fixture has no content for turess "
        "(it serves: maghress, djazairess)\n"
    )


def test_serve_demo_refuses_a_mirrors_file_it_cannot_write(tmp_path, capsys) -> None:
    """The file names the ports: without it nothing is served (the ports are closed)."""
    from newsspider.cli import main

    target = tmp_path / "missing-folder" / "mirrors.json"
    assert main(["serve-demo", "--port", "0", "--all", "--mirrors-out", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"newsspider serve-demo: error: cannot write --mirrors-out {str(target)!r}: "
        "No such file or directory\n"
    )
    assert not target.parent.exists()
