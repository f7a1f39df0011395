"""Boilerplate, real text and source links on the golden pages, read as the crawl reads them.

Each case puts one element into ``fr_article.html`` (article layout, ``div.post-body``)
or ``fr_span_seed.html`` (span layout) and checks the record the crawl would write:
furniture inside the body is left out, article text that only looks like furniture is
kept, and a page that gives no click-here link has ``source_url: null`` whatever
other links sit after its body.  The expected paragraphs are typed from the pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsspider.extract import page_from_response
from newsspider.items import Article
from newsspider.records import page_records
from newsspider.sites import SITES

GOLDEN = Path(__file__).parent / "golden"
ARTICLE_URL = "https://www.maghress.com/fr/albayane/211467"
SPAN_URL = "https://www.maghress.com/fr/libe/32145"

# fr_article.html's three body paragraphs.
P1 = (
    "L'Organisation de la coopération islamique (OCI) a condamné, mercredi, l'escalade "
    "militaire dans la bande de Gaza, appelant la communauté internationale à assumer ses "
    "responsabilités pour protéger les civils palestiniens."
)
P2 = (
    "Dans un communiqué publié à Djeddah, le secrétariat général de l'organisation a exprimé "
    "sa vive préoccupation face à la dégradation de la situation humanitaire et a réitéré son "
    "soutien au droit du peuple palestinien à établir son Etat indépendant."
)
P3 = "L'OCI a par ailleurs salué les efforts de médiation engagés pour obtenir un retour au calme."
# fr_span_seed.html: the first paragraph ends, the second begins, six in all.
SPAN_FIRST_END = "communauté d'internautes qui sévit pour le meilleur sur Twitter."
SPAN_SECOND_START = "Ce n'est plus un secret pour personne."
SPAN_PARAGRAPHS = 6


def article_of(html: str, url: str) -> Article:
    site = SITES["maghress"]
    records = page_records(page_from_response(url, html.encode("utf-8"), None, site))
    assert records.article is not None, records.reason
    return records.article


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def post_body_with(inserted: str) -> list[str]:
    """fr_article.html's body paragraphs with ``inserted`` after its first paragraph."""
    html = golden("fr_article.html")
    end_of_p1 = "protéger les civils palestiniens.</p>"
    assert html.count(end_of_p1) == 1
    body = article_of(html.replace(end_of_p1, end_of_p1 + inserted), ARTICLE_URL).body
    return (body or "").split("\n\n")


def span_body_with(inserted: str) -> list[str]:
    """fr_span_seed.html's body paragraphs with ``inserted`` as a line after the first."""
    html = golden("fr_span_seed.html")
    boundary = f"{SPAN_FIRST_END}<br /><br />"
    assert html.count(boundary) == 1
    body = article_of(html.replace(boundary, f"{boundary}{inserted}<br />"), SPAN_URL).body
    return (body or "").split("\n\n")


# --- A: boilerplate inside the body is left out --------------------------------


@pytest.mark.parametrize(
    "furniture",
    [
        # French
        "<p>Suite après la publicité</p>",
        "<div>Publicité - Continuez la lecture</div>",
        "<p>Partager sur Facebook | Partager sur Twitter</p>",
        "<p>Partagez cet article : Facebook, Twitter, WhatsApp</p>",
        # Arabic
        "<p>اقرأ المزيد</p>",
        "<p>يهمك أيضا</p>",
        "<p>قد يهمك: <a href='/febrayer/553100'>المنتخب يتأهل إلى النهائي</a> بعد فوزه على "
        "الكاميرون في مباراة قوية احتضنها ملعب ياوندي مساء أمس</p>",
        "<p>شارك على فيسبوك | شارك على تويتر</p>",
        "<p>تابعونا على فيسبوك</p>",
        "<p>الإعلانات</p>",
        # English
        "<p>Story continues below advertisement</p>",
        "<p>Advertisement - Scroll to continue</p>",
        "<p>You may also like</p>",
        "<p>Share on Facebook Share on Twitter</p>",
        "<p>Related Topics</p>",
    ],
)
def test_boilerplate_inside_the_post_body_is_left_out(furniture: str) -> None:
    assert post_body_with(furniture) == [P1, P2, P3]


def test_a_read_also_label_takes_the_items_it_heads_up_to_plain_text() -> None:
    plain = "Le secrétaire général a appelé à une réunion extraordinaire dès la semaine prochaine."
    box = (
        "<p>À lire également</p>"
        "<p><a href='/fr/libe/32400'>Le Maroc remporte la CAN</a> — Les Lions de l'Atlas ont "
        "dominé la finale face au Cameroun, samedi soir à Yaoundé.</p>"
        "<div><a href='/fr/libe/32401'>Le Raja en quarts de finale</a>, après sa victoire à "
        "Tunis.</div>"
        f"<p>{plain}</p>"
    )
    assert post_body_with(box) == [P1, plain, P2, P3]


@pytest.mark.parametrize(
    ("furniture", "text"),
    [
        (
            '<p class="wp-caption-text">Le ministre lors de la conférence de presse à Rabat. (MAP)</p>',
            "(MAP)",
        ),
        ('<span class="credit">AFP/Fadel Senna</span>', "Fadel Senna"),
    ],
)
def test_captions_and_credits_in_the_span_body_are_left_out(furniture: str, text: str) -> None:
    paragraphs = span_body_with(furniture)
    assert len(paragraphs) == SPAN_PARAGRAPHS
    assert paragraphs[0].endswith(SPAN_FIRST_END)
    assert paragraphs[1].startswith(SPAN_SECOND_START)
    assert all(text not in paragraph for paragraph in paragraphs)


# --- B: article text that looks like furniture is kept ------------------------


@pytest.mark.parametrize(
    ("markup", "kept"),
    [
        # a quote that is a link, with its attribution
        (
            "<p><a href='https://www.youtube.com/watch?v=q1w2e3'>« Nous ne céderons pas »</a>, "
            "a lancé le ministre.</p>",
            "« Nous ne céderons pas », a lancé le ministre.",
        ),
        (
            "<p><a href='https://www.reuters.com/world/1'>\"We will not back down,\"</a> "
            "the minister said.</p>",
            '"We will not back down," the minister said.',
        ),
        # subheadings that open with a widget word and a colon
        ("<h3>Commentaires : l'opposition divisée</h3>", "Commentaires : l'opposition divisée"),
        (
            "<h3>Imprimer : la 3D au service de la médecine</h3>",
            "Imprimer : la 3D au service de la médecine",
        ),
        ("<h3>Related: Debt talks stall</h3>", "Related: Debt talks stall"),
        ("<h3>Comments: what the IMF said</h3>", "Comments: what the IMF said"),
        ("<h3>مشاركة: 60 دولة في المؤتمر</h3>", "مشاركة: 60 دولة في المؤتمر"),
        ("<h3>تعليقات: الصحافة الدولية</h3>", "تعليقات: الصحافة الدولية"),
    ],
)
def test_article_text_that_looks_like_furniture_is_kept(markup: str, kept: str) -> None:
    assert post_body_with(markup) == [P1, kept, P2, P3]


# --- C: no click-here link, no source_url ---------------------------------------


def article_without_source(after_body: str) -> str:
    """fr_article.html without its click-here line and JSON-LD ``isBasedOn``, and
    ``after_body`` between the end of the post body and the end of ``<article>``."""
    html = re.sub(r'<p class="post-origin">.*?</p>', "", golden("fr_article.html"), flags=re.S)
    html = html.replace('"isBasedOn"', '"basedOnRenamed"')
    end_of_body = "retour au calme.</p></div>"
    assert html.count(end_of_body) == 1 and '<p class="post-origin">' not in html
    return html.replace(end_of_body, end_of_body + after_body)


def span_without_source(instead: str) -> str:
    """fr_span_seed.html with ``instead`` in place of its ``p.articlesource``."""
    html, count = re.subn(
        r'<p class="articlesource">.*?</p>', instead, golden("fr_span_seed.html"), flags=re.S
    )
    assert count == 1
    return html


@pytest.mark.parametrize(
    "after_body",
    [
        # ads
        '<div class="x1"><a href="https://track.adform.net/C/?bn=123">Offre spéciale</a></div>',
        '<div class="teads"><a href="https://www.jumia.ma/promo">Jusqu\'à -50 % sur les '
        "smartphones</a></div>",
        # the host, the site's maker, a partner: by their wording, whatever the URL
        '<p>Hébergé par <a href="https://www.ovhcloud.com/fr/">OVHcloud</a></p>',
        '<p>Hébergé par <a href="https://www.ovhcloud.com/fr/hebergement-web/offre-pro.html">'
        "OVHcloud</a></p>",
        '<p>Site réalisé par <a href="https://www.webagency.ma/references/maghress-2019.html">'
        "WebAgency</a></p>",
        # an ad and the author's blog, whatever the URL
        '<div class="x1"><a href="https://www.jumia.ma/smartphones-samsung-galaxy-a52.html">'
        "Offre spéciale</a></div>",
        "<p>Le blog de l'auteur : <a href=\"https://karimbenali.blogspot.com/2019/11/"
        'gaza-une-escalade-annoncee.html">Gaza, une escalade annoncée</a></p>',
        # home pages
        '<p>Le blog de l\'auteur : <a href="https://karimbenali.blogspot.com/">'
        "karimbenali.blogspot.com</a></p>",
        '<p><a href="https://www.libe.ma/">Libération</a></p>',
    ],
)
def test_article_layout_without_a_click_here_link_has_no_source(after_body: str) -> None:
    assert article_of(article_without_source(after_body), ARTICLE_URL).source_url is None


@pytest.mark.parametrize(
    "instead",
    [
        '<p>Partenaire : <a href="https://www.medi1tv.com/fr/">Medi1 TV</a></p>',
        '<p>Partenaire : <a href="https://www.medi1tv.com/fr/actualites/maroc-250123">'
        "Medi1 TV</a></p>",
        '<p>Suivez-nous : <a href="https://www.dailymotion.com/maghress">Dailymotion</a></p>',
        '<p><a href="https://apps.apple.com/app/maghress/id1234567890">Télécharger '
        "l'application Maghress</a></p>",
    ],
)
def test_span_layout_without_a_click_here_link_has_no_source(instead: str) -> None:
    assert article_of(span_without_source(instead), SPAN_URL).source_url is None


@pytest.mark.parametrize(
    "footer_link",
    [
        '<a href="https://www.webagency.ma/">WebAgency</a>',
        '<a href="https://www.webagency.ma/references/portail-actualite-2019.html">WebAgency</a>',
    ],
)
def test_a_page_without_article_element_takes_no_link_by_structure(footer_link: str) -> None:
    """Without ``<article>`` the only container is the whole page: its footer is no source."""
    html = article_without_source("")
    html = html.replace('<article class="post" id="post-211467">', '<div class="post">')
    html = html.replace("</article>", "</div>")
    html = html.replace("</body>", f'<div id="pied"><p>Réalisé par {footer_link}</p></div></body>')
    assert "<article" not in html
    article = article_of(html, ARTICLE_URL)
    assert article.body == f"{P1}\n\n{P2}\n\n{P3}"
    assert article.source_url is None


# The tie-breaker still works: one article-like link after the body, nothing else.
@pytest.mark.parametrize(
    "original",
    [
        "https://albayane.press.ma/l-oci-reagit-aux-attaques.html",
        "https://albayane.press.ma/politique/211467/",
        "https://albayane.press.ma/OCI-Gaza_a3010.html",
    ],
)
def test_a_single_article_link_after_the_body_is_still_the_source(original: str) -> None:
    html = article_without_source(f'<p><a href="{original}">Lire sur Al Bayane</a></p>')
    assert article_of(html, ARTICLE_URL).source_url == original
