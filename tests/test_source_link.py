"""``source_url``: the link the page gives as the original, or null; never a guess.

Each row is what follows the body inside the article container of a span-layout
page (``AFTER``), or sits inside the body (``IN_BODY``); the page chrome around it
(menu, footer with sister sites and social links) is the same for every row.
"""

from __future__ import annotations

import pytest

from newsspider.extract.maghress import MaghressPage
from newsspider.extract.source_link import could_be_source_host, looks_like_article
from newsspider.sites import SITES

URL = "https://www.maghress.com/fr/libe/40001"
ORIGINAL = "https://www.libe.ma/une-page_a1.html"
OTHER = "https://www.leconomiste.com/article/1.html"
CHROME = """
<div id="menu"><a href="/fr">Accueil</a> <a href="https://www.djazairess.com/fr">Djazairess</a></div>
<marquee><a href="/fr/libe/39999">Un titre du bandeau</a></marquee>
"""
FOOTER = """
<div id="footer"><a href="https://www.turess.com/fr">Turess</a>
<a href="https://www.facebook.com/maghress">Facebook</a> <a href="https://twitter.com/maghress">Twitter</a></div>
"""


def page(after: str = "", in_body: str = "") -> str:
    return f"""<html><body>{CHROME}<div id="articlecontainer">
<h1><span class="articletitle">Un titre</span></h1>
<span class="articlenewspaper">Publié dans <a href="/fr/libe">Libération</a> le 02 - 03 - 2020</span>
<span class="articlecontent">Un paragraphe du corps de l'article.{in_body}<br /><br />Un autre.</span>
{after}
</div>{FOOTER}</body></html>"""


def source_url(html: str, url: str = URL, site: str = "maghress") -> str | None:
    fields = MaghressPage(html, url, SITES[site]).article()
    assert fields is not None
    return fields.source_url


def link(href: str, text: str = "Voir", **attributes: str) -> str:
    extra = "".join(f' {key}="{value}"' for key, value in attributes.items())
    return f'<a href="{href}"{extra}>{text}</a>'


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # the click-here wording decides, wherever it sits after other links
        (
            f"<p>{link(OTHER)} {link(ORIGINAL, 'Cliquez ici pour lire l’article depuis sa source.')}</p>",
            ORIGINAL,
        ),
        (
            f"<p>{link(OTHER)}</p><p>{link(ORIGINAL, 'CLIQUEZ ICI POUR LIRE L ARTICLE DEPUIS SA SOURCE')}</p>",
            ORIGINAL,
        ),
        (
            f"<p>{link(OTHER)}</p><p>{link(ORIGINAL, 'اضغط هنا لقراءة الخبر من مصدره الأصلي')}</p>",
            ORIGINAL,
        ),
        (
            f"<p>{link(OTHER)}</p><p>{link(ORIGINAL, 'Clic here to read the story from its source.')}</p>",
            ORIGINAL,
        ),
        # the template's marker around a wording nobody listed
        (f"<p>{link(OTHER)}</p><p class='articlesource'>{link(ORIGINAL, 'Source')}</p>", ORIGINAL),
        (f"<p class='post-origin'>{link(ORIGINAL, 'Lire')}</p>{link(OTHER)}", ORIGINAL),
        # structure as the tie-breaker: one external link after the body, and only one
        (f"<p>{link(ORIGINAL, 'Lire sur le site du journal')}</p>", ORIGINAL),
        (f"<p>{link(ORIGINAL)} {link(ORIGINAL, 'encore')}</p>", ORIGINAL),
        (f"<p>{link(ORIGINAL)}</p><p>{link(OTHER)}</p>", None),
        # never a sister site, a share button, an ad, a menu or footer, nor this host
        (f"<p>{link('https://www.djazairess.com/fr/elwatan/1')}</p>", None),
        (f"<p>{link('https://sauress.com/en/arabnews/2')}</p>", None),
        (f"<p>{link('https://images2.maghress.com/libe/1/thumb')}</p>", None),
        (
            f"<p>{link('https://www.djazairess.com/fr/elwatan/1', 'Cliquez ici pour lire l’article depuis sa source.')}</p>",
            None,
        ),
        (f"<p>{link('https://www.facebook.com/sharer/sharer.php?u=x')}</p>", None),
        (
            f"<p>{link('https://x.com/intent/post?url=x')} {link('https://t.me/share/url?url=x')}</p>",
            None,
        ),
        (
            f"<p>{link('https://wa.me/?text=x')} {link('https://www.linkedin.com/shareArticle?url=x')}</p>",
            None,
        ),
        (
            f"<p>{link('https://www.youtube.com/watch?v=1')} {link('https://telegram.me/maghress')}</p>",
            None,
        ),
        (f"<p>{link(OTHER, 'Crédit immobilier', rel='sponsored nofollow')}</p>", None),
        (f"<div class='share-tools'>{link(OTHER)}</div>", None),
        (f"<footer>{link(OTHER)}</footer>", None),
        (f"<p>{link(OTHER, 'Lire aussi')}</p>", None),
        (f"<p>{link('https://www.maghress.com/fr/libe/39998')} {link('/fr/libe')}</p>", None),
        (f"<p>{link('javascript:alert(1)')} {link('mailto:a@b.ma')}</p>", None),
        ("", None),
        # structure takes only what looks like an article, introduced as nothing else
        (f"<p>{link('https://www.libe.ma/', 'Libération')}</p>", None),
        (f"<p>{link('https://www.libe.ma/fr/')}</p>", None),
        (
            f"<p>Hébergé par {link('https://www.ovhcloud.com/fr/web-hosting/offre-pro.html')}</p>",
            None,
        ),
        (f"<p><b>Partenaire :</b> {link('https://www.medi1tv.com/fr/maroc-250123')}</p>", None),
        (f"<p>{link('https://www.sponsor.ma/a/123456', 'Sponsored by Acme')}</p>", None),
        (
            f"<p>Site réalisé par {link('https://www.webagency.ma/realisations/site-info-2019.html')}</p>",
            None,
        ),
        (f"<p>برعاية {link('https://www.sponsor.ma/ar/123456')}</p>", None),
        (f"<p>Photo : {link('https://www.flickr.com/photos/maroc/52123456')}</p>", None),
        (f"<p>{link('https://apps.apple.com/app/maghress/id1234567890')}</p>", None),
        (f"<p>{link('https://www.dailymotion.com/video/x8abc123')}</p>", None),
        (f"<p>{link('https://track.adform.net/C/?bn=123456')}</p>", None),
    ],
)
def test_source_link_after_the_body(after: str, expected: str | None) -> None:
    assert source_url(page(after=after)) == expected


def test_a_link_inside_the_body_is_never_the_source() -> None:
    ad = f"<div><span>Publicité</span>{link(OTHER, 'Une offre')}</div>"
    assert source_url(page(in_body=ad)) is None
    assert source_url(page(in_body=ad, after=f"<p>{link(ORIGINAL)}</p>")) == ORIGINAL


def test_a_page_without_title_still_finds_the_click_here_line() -> None:
    html = page(after=f"<p class='articlesource'>{link(ORIGINAL, 'Source')}</p>")
    html = html.replace('<h1><span class="articletitle">Un titre</span></h1>', "")
    assert source_url(html) == ORIGINAL


def test_a_span_container_around_the_whole_page_takes_no_link_by_structure() -> None:
    """A title far above the text (before the strip) makes the "container" the page's body."""
    html = page(after=f"<p>{link(ORIGINAL)}</p>")
    html = html.replace('<h1><span class="articletitle">Un titre</span></h1>', "")
    html = html.replace("<body>", '<body><h1><span class="articletitle">Un titre</span></h1>')
    assert source_url(html) is None
    clicked = html.replace(">Voir</a>", ">Cliquez ici pour lire l'article depuis sa source.</a>")
    assert source_url(clicked) == ORIGINAL


@pytest.mark.parametrize(
    ("url", "article"),
    [
        (ORIGINAL, True),
        ("https://lakome2.com/politique/130400/", True),
        ("https://www.barlamane.com/fr/le-parlement-adopte-la-loi/", True),
        ("https://www.lopinion.ma/Tanger-Med_a3010.html", True),
        ("https://english.ahram.org.eg/NewsContent/3/12/366200/Business/Suez-Canal.aspx", True),
        ("https://www.hespress.com/article.php?id=5", False),
        ("https://febrayer.com/454100.html", True),
        ("https://www.libe.ma/Mon-article.html", True),
        ("https://www.libe.ma/", False),
        ("https://www.libe.ma", False),
        ("https://www.medi1tv.com/fr/", False),
        ("https://www.jumia.ma/promo", False),
        ("https://www.libe.ma/index.php", False),
        ("https://www.libe.ma/category/politique-nationale-maroc/", False),
        ("https://www.libe.ma/tag/coupe-du-monde-2030/", False),
        ("https://play.example.com/apps/maghress-news-2020", False),
        ("https://www.libe.ma/2019/11/", False),
        ("https://www.libe.ma/Actualites_r1.html", False),
        ("https://www.libe.ma/rubrique/sport-national-maroc/", False),
        ("https://albayane.press.ma/OCI-Gaza.html", True),
        ("https://www.cese.ma/docs/rapport-annuel-2019.pdf", False),
        ("https://cdn.libe.ma/uploads/2019/11/photo-du-ministre-123.jpg", False),
    ],
)
def test_what_looks_like_an_article_url(url: str, article: bool) -> None:
    assert looks_like_article(url) is article


ARTICLE = """<html><head><script type="application/ld+json">{ld}</script></head><body>
<div id="menu"><a href="https://www.turess.com/fr">Turess</a></div>
<article><h1>Un titre</h1><div class="post-body"><p>Le corps.</p></div>{after}</article>
<div id="footer"><a href="https://www.facebook.com/maghress">Facebook</a></div></body></html>"""
LD = '{{"@type": "NewsArticle", "headline": "Un titre", "isBasedOn": "{based_on}"}}'


@pytest.mark.parametrize(
    ("based_on", "after", "expected"),
    [
        (ORIGINAL, "", ORIGINAL),
        (ORIGINAL, f"<p>{link(OTHER)}</p>", ORIGINAL),  # the page's own claim before structure
        (
            OTHER,
            f"<p>{link(ORIGINAL, 'Cliquez ici pour lire l’article depuis sa source.')}</p>",
            ORIGINAL,
        ),
        ("https://www.facebook.com/maghress", "", None),
        ("https://www.masress.com/en/ahram/1", "", None),
        ("", f"<p>{link(ORIGINAL)}</p>", ORIGINAL),
        ("", f"<p>{link(ORIGINAL)}</p><p>{link(OTHER)}</p>", None),
    ],
)
def test_article_layout_source(based_on: str, after: str, expected: str | None) -> None:
    html = ARTICLE.format(ld=LD.format(based_on=based_on), after=after)
    assert source_url(html) == expected


@pytest.mark.parametrize(
    ("netloc", "possible"),
    [
        ("www.libe.ma", True),
        ("febrayer.com:443", True),
        ("www.maghress.com", False),
        ("MAGHRESS.COM", False),
        ("images2.maghress.com", False),
        ("www.yemeress.com", False),
        ("m.facebook.com", False),
        ("x.com", False),
        ("t.co", False),
        ("api.whatsapp.com", False),
        ("www.dailymotion.com", False),
        ("apps.apple.com", False),
        ("track.adform.net", False),
        ("securepubads.g.doubleclick.net", False),
        ("", False),
    ],
)
def test_which_hosts_could_be_a_newspaper(netloc: str, possible: bool) -> None:
    assert could_be_source_host(netloc) is possible
