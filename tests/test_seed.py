"""The seed article (the page the project was created from), field by field."""

from __future__ import annotations

from pathlib import Path

from newsspider.items import Article, Headlines
from newsspider.library import extract_records
from newsspider.sites import SITES

SEED_PAGE = Path(__file__).parent / "golden" / "fr_span_seed.html"
URL = "https://www.maghress.com/fr/libe/32145"


def seed_records() -> tuple[Headlines, Article]:
    records, reason = extract_records(SEED_PAGE.read_bytes(), URL, SITES["maghress"])
    assert reason is None
    strip, article = records
    assert isinstance(strip, Headlines) and isinstance(article, Article)
    return strip, article


def test_seed_article_fields() -> None:
    _, article = seed_records()
    assert article.id == "maghress:fr:libe:32145"
    assert article.title == "La Twittoma, ou comment les réseaux sociaux servent la bonne cause"
    assert article.source_name == "Libération"
    assert article.source_id == "libe"
    assert article.published == "2019-10-19"
    assert article.source_url is not None and article.source_url.startswith("https://www.libe.ma/")
    assert (article.site, article.lang, article.url) == ("maghress", "fr", URL)


def test_seed_body_is_six_clean_paragraphs() -> None:
    _, article = seed_records()
    assert article.body is not None
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("Des fois, il suffit d'un geste pour en inspirer d'autres.")
    assert paragraphs[-1].endswith("où le nombrilisme prédomine.")
    assert "notre dénominateur commun réside dans le fait que chacun" in paragraphs[2]
    for boilerplate in ("Merci d'avoir signalé", "automatiquement bloquée", "Cliquez ici"):
        assert boilerplate not in article.body
    assert "La BCIJ" not in article.body, "no ticker text in the body"
    assert all(p == " ".join(p.split()) for p in paragraphs), "whitespace normalised"


def test_seed_strip_has_the_48_headlines() -> None:
    strip, _ = seed_records()
    titles = [entry["title"] for entry in strip.headlines]
    assert len(titles) == 48
    assert titles[0] == "La BCIJ arrête l'un des extrémistes allié à Daesh"
    assert titles[9] == "« Ach Waqe3 » : l'actualité décryptée par Jamal Berraoui"
    assert titles[-1] == "Le bruit augmenterait le risque d'AVC"
    assert all(entry["url"].startswith("https://www.maghress.com/fr/") for entry in strip.headlines)
