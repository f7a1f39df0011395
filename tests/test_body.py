"""The body rules by what an element is: widget names, labels, credits, link density.

Each row is a small fragment of an article body; the tables say which parts are
article text.  The seed-page rules (modal, «Cliquez ici…», ``<br>``) are in
test_text.py.
"""

from __future__ import annotations

import lxml.html
import pytest

from newsspider.extract.maghress import MaghressPage
from newsspider.extract.phrases import PHRASES
from newsspider.extract.text import fold, is_label, is_widget, paragraphs
from newsspider.sites import SITES

TEXT = "Le conseil communal a voté mardi le budget de l'année prochaine après un long débat."


def body_of(fragment: str) -> list[str]:
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return paragraphs([root])


@pytest.mark.parametrize(
    ("attributes", "widget"),
    [
        ('class="ad"', True),
        ('class="ads-slot"', True),
        ('id="div-gpt-ad-1571234567890-1"', True),
        ('class="adSlot"', True),
        ('class="socialShare"', True),
        ('class="share_bar"', True),
        ('class="read-also"', True),
        ('class="lire-aussi"', True),
        ('class="print-link"', True),
        ('class="newsletter-box"', True),
        ('id="comments"', True),
        ('class="related-posts"', True),
        ('id="taboola-below-article"', True),
        ('class="pub"', True),
        ('role="complementary"', True),
        ('role="navigation"', True),
        ('aria-label="Share"', True),
        ('aria-label="Partager sur Facebook"', True),
        # Whole tokens only: these only contain a widget word.
        ('class="head"', False),
        ('class="header-title"', False),
        ('class="shadow"', False),
        ('class="thread"', False),
        ('class="download"', False),
        ('class="loader"', False),
        ('class="shared-text"', False),
        ('class="blueprint"', False),
        ('class="public"', False),
        ('role="article"', False),
        ("", False),
    ],
)
def test_widgets_are_told_by_whole_tokens_and_roles(attributes: str, widget: bool) -> None:
    element = lxml.html.fragment_fromstring(f"<div {attributes}>x</div>")
    assert is_widget(element) is widget


@pytest.mark.parametrize(
    "chrome",
    [
        # ad labels, alone, in the three languages, however they are written
        "<p>Publicité</p>",
        "<p>PUBLICITÉ</p>",
        "<div>- Publicité -</div>",
        "<p>إعلان</p>",
        "<p>إعـــلان</p>",
        "<p>Advertisement</p>",
        "<p><small>Sponsored</small></p>",
        # an ad slot with its label, emptied of its script
        "<div><span>Publicité</span><div id='x'><script>show()</script></div></div>",
        "<div><script>show()</script><iframe src='https://ads.example/1'></iframe></div>",
        # "read also" boxes
        "<p><b>Lire aussi :</b> <a href='/fr/a/1'>Le Maroc se qualifie pour la finale</a></p>",
        "<p><b>اقرأ أيضا:</b> <a href='/a/1'>المنتخب يتأهل إلى النهائي</a></p>",
        "<p><b>إقرأ أيضاً</b> <a href='/a/1'>المنتخب يتأهل إلى النهائي</a></p>",
        "<p>Read also: <a href='/en/a/1'>Team qualifies for the final</a></p>",
        "<div><h4>À lire aussi</h4><ul><li><a href='/fr/a/1'>Un titre</a></li>"
        "<li><a href='/fr/a/2'>Un autre titre</a></li></ul></div>",
        # share, print, comment widgets without a telling class
        "<div>Partager : <a href='https://facebook.com/sharer'>Facebook</a> "
        "<a href='https://twitter.com/intent'>Twitter</a></div>",
        "<p>Partager : Facebook Twitter</p>",
        "<p>شارك: فيسبوك تويتر</p>",
        "<p>Share this article: Facebook Twitter</p>",
        "<p><a href='#'>Imprimer</a> | <a href='mailto:?'>Envoyer à un ami</a></p>",
        "<p><a href='#comments'>Réagir à cet article</a></p>",
        "<p>Commentaires (3)</p>",
        # image credits and captions
        "<p>Photo : AFP</p>",
        "<p><em>Crédit photo : MAP</em></p>",
        "<p>© Reuters</p>",
        "<p>صورة: أرشيف</p>",
        "<p>تصوير: يونس</p>",
        "<p>Image credit: Getty</p>",
        "<figure><img src='x.jpg' /><figcaption>Le ministre à Rabat</figcaption></figure>",
        # a list of links
        "<ul><li><a href='/fr/a/1'>Premier titre</a></li><li><a href='/fr/a/2'>Second</a></li></ul>",
        "<p><a href='/fr/a/1'>Premier titre</a> | <a href='/fr/a/2'>Second titre</a> (2)</p>",
        # a label, a separator, then a link and its teaser, however long the teaser
        "<p><b>Lire aussi :</b> <a href='/fr/a/1'>Le Maroc se qualifie</a> — les Lions de "
        "l'Atlas ont dominé le match de bout en bout devant un public conquis.</p>",
        "<p>Tags : <a href='/fr/tag/1'>Maroc</a>, <a href='/fr/tag/2'>CAN</a></p>",
        # share and follow bars: share words and network names only, in any order
        "<p>Suivez-nous sur Instagram</p>",
        "<p>Facebook, Twitter, WhatsApp</p>",
        "<p>Partager sur <a href='https://facebook.com/sharer'>Facebook</a> | Partager sur "
        "<a href='https://x.com/intent'>X</a></p>",
        "<p>شارك المقال عبر واتساب</p>",
        "<p>Follow us on Facebook</p>",
        "<p>Partager cet article</p>",
        "<p>Suivez-nous sur Facebook et Instagram</p>",
        "<p>تابعونا على فيسبوك وتويتر</p>",
        "<p>Facebook | Twitter | LinkedIn</p>",
        "<p>Read more</p>",
        "<p>Share this story</p>",
        "<p>شارك الخبر</p>",
    ],
)
def test_furniture_inside_the_body_is_left_out(chrome: str) -> None:
    assert body_of(f"<p>{TEXT}</p>{chrome}<p>{TEXT}</p>") == [TEXT, TEXT]


@pytest.mark.parametrize(
    "text",
    [
        # links inside a sentence: body
        "Selon <a href='https://freedomhouse.org/'>Freedom House</a>, le Maroc reste "
        "partiellement libre sur internet cette année.",
        "Le rapport de <a href='https://x.org/a'>l'ONG</a> et celui de "
        "<a href='https://y.org/b'>RSF</a> concordent sur ce point précis.",
        # labels as words of a sentence: body
        "Voir aussi la carte ci-dessous pour comprendre.",
        "Partager les richesses est une nécessité, a-t-il dit.",
        "Imprimer un livre coûte plus cher qu'avant.",
        "Publicité : le Parlement encadre les influenceurs",
        "Photos de famille et souvenirs d'enfance ont été exposés.",
        "إعلان نتائج الامتحانات الأسبوع المقبل",
        "Sponsored content rules were tightened last year, the regulator said.",
        "Partager : c'est le mot d'ordre de cette édition.",
        "Crédit : les banques resserrent les conditions d'octroi.",
        "***",
        # a label word running into a link inside a sentence
        "Voir aussi <a href='/fr/carte'>la carte</a> ci-dessous pour comprendre les enjeux.",
        # network names inside a sentence, or alone as a subheading
        "Facebook et Twitter ont supprimé des centaines de comptes.",
        "Facebook",
        "Facebook et Instagram",
        "Sur Facebook",
        "Related: this story",
        # a label, a colon, then ordinary words: a subheading
        "Tags : le mot de l'année selon le dictionnaire.",
        "Suivez-nous : la campagne des agrumes pas à pas",
        # a quote or a name that is a link, with words around it
        "<a href='https://x.org/q'>« Jamais »</a>, répond-il.",
        "<a href='https://www.imf.org/'>The IMF</a> agreed.",
    ],
)
def test_article_text_is_kept(text: str) -> None:
    root = lxml.html.fragment_fromstring(f"<p>{text}</p>")
    expected = " ".join(root.text_content().split())
    assert body_of(f"<p>{TEXT}</p><p>{text}</p>") == [TEXT, expected]


def test_a_read_also_label_takes_the_paragraphs_that_open_with_a_link() -> None:
    item = "<a href='/fr/a/1'>Le Maroc remporte la CAN</a> — les Lions ont battu le Cameroun."
    later = "<a href='https://x.org/'>Selon l'ONG</a>, le Maroc reste partiellement libre."
    assert body_of(
        f"<p>{TEXT}</p><h4>À lire également</h4><p>{item}</p><div>- {item}</div>"
        f"<p>{TEXT}</p><p>{later}</p>"
    ) == [TEXT, TEXT, "Selon l'ONG, le Maroc reste partiellement libre."]


def test_only_a_read_also_label_takes_what_follows_it() -> None:
    """An ad label or a share label heads no box: a paragraph opening with a link after it is body."""
    later = "<a href='https://x.org/'>Selon l'ONG</a>, le Maroc reste partiellement libre."
    for label in ("Publicité", "Partager", "إعلان"):
        assert body_of(f"<p>{TEXT}</p><p>{label}</p><p>{later}</p>") == [
            TEXT,
            "Selon l'ONG, le Maroc reste partiellement libre.",
        ], label


def test_a_long_paragraph_mostly_of_link_text_is_body() -> None:
    long = " ".join(["mot"] * 40)
    assert body_of(f"<p><a href='https://x.org/'>{long}</a></p>") == [long]


def test_a_single_br_in_a_span_body_is_a_paragraph_boundary() -> None:
    span = f"<span class='articlecontent'>{TEXT}<br />{TEXT}</span>"
    assert body_of(span) == [TEXT, TEXT]


@pytest.mark.parametrize(
    ("variant", "phrase"),
    [
        (
            "CLIQUEZ ICI POUR LIRE L’ARTICLE DEPUIS SA SOURCE !",
            "Cliquez ici pour lire l'article depuis sa source.",
        ),
        ("publicite", "Publicité"),
        ("إِعْلَانٌ", "إعلان"),
        ("اقرا ايضا", "اقرأ أيضاً"),
        (
            "  Clic here   to read the story from its source ",
            "Clic here to read the story from its source.",
        ),
    ],
)
def test_wordings_match_after_folding(variant: str, phrase: str) -> None:
    assert fold(variant) == fold(phrase)


def test_every_language_table_has_every_role_and_no_empty_wording() -> None:
    roles = set(PHRASES["fr"])
    assert roles == {
        "source_link",
        "template",
        "ad_label",
        "related_label",
        "widget_label",
        "share_word",
        "share_filler",
        "network",
        "credit",
        "not_source",
    }
    for lang, table in PHRASES.items():
        assert set(table) == roles, lang
        assert all(fold(phrase) for phrases in table.values() for phrase in phrases), lang
    assert is_label("Publicité") and is_label("إعلان") and is_label("Advertisement")


def article_body(body: str) -> str | None:
    html = f"<html><body><form id='j_idt18'><div id='menu'><p>Menu</p></div>{body}</form></body></html>"
    page = MaghressPage(html, "https://www.maghress.com/fr/libe/40002", SITES["maghress"])
    fields = page.article()
    assert fields is not None
    return fields.body


def test_nested_body_containers_give_each_paragraph_once() -> None:
    body = f"<article><div itemprop='articleBody'><div class='entry-content'><p>{TEXT}</p></div></div></article>"
    assert article_body(body) == TEXT


def test_without_a_body_container_the_articles_paragraphs_outside_chrome_are_the_body() -> None:
    """JSF pages may wrap the whole page in a form: the article's paragraphs are still body."""
    body = (
        f"<article><header><p>Publié dans Libération</p></header><p>{TEXT}</p>"
        "<div class='related'><p>Un autre article</p></div><figure><p>Une légende</p></figure>"
        f"<p>{TEXT}</p><footer><p>Tous droits réservés</p></footer></article>"
    )
    assert article_body(body) == f"{TEXT}\n\n{TEXT}"
