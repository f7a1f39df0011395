"""The mojibake guard, on texts garbled the way a crawl garbles them: real French,
Arabic and English sentences encoded to bytes and decoded in the wrong charset, then
cleaned like a record's field."""

from __future__ import annotations

import re

import pytest

from newsspider.extract.mojibake import MOJIBAKE, confirmed_hits, is_mojibake, mojibake_hits
from newsspider.extract.text import clean_text

FR_TITLE = "Libération : la réforme des retraites votée à l'Assemblée"
FR_BODY = (
    "Le gouvernement a présenté jeudi « un texte équilibré », selon la ministre. "
    "Les élèves ont déjà commencé à réviser ; l’été sera chargé…"
)
AR_TITLE = "المغرب يطلق برنامجا جديدا لدعم الفلاحين"
AR_BODY = (
    "أعلنت وزارة الفلاحة، يوم الخميس، عن برنامج جديد لدعم صغار الفلاحين المتضررين "
    "من الجفاف. وقال الوزير: «الموسم صعب، لكن الدعم سيصل قبل نهاية الشهر»."
)
EN_TITLE = "Morocco unveils a new plan for farmers"
EN_BODY = "The minister called the plan “balanced” — critics say it comes too late."


def garbled(text: str, read_as: str, written_as: str = "utf-8") -> str:
    """``text`` written in one charset and read in another, as a record would hold it."""
    return clean_text(text.encode(written_as).decode(read_as, "replace"))


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (garbled(FR_TITLE, "cp1252"), garbled(FR_BODY, "cp1252")),
        (garbled(FR_TITLE, "latin-1"), garbled(FR_BODY, "latin-1")),
        (garbled(FR_TITLE, "cp1256"), garbled(FR_BODY, "cp1256")),
        (garbled(AR_TITLE, "cp1252"), garbled(AR_BODY, "cp1252")),
        (garbled(AR_TITLE, "latin-1"), garbled(AR_BODY, "latin-1")),
        (garbled(AR_TITLE, "cp1256"), garbled(AR_BODY, "cp1256")),
        # A windows-1256 page read as windows-1252.
        (garbled(AR_TITLE, "cp1252", "cp1256"), garbled(AR_BODY, "cp1252", "cp1256")),
        (EN_TITLE, garbled(EN_BODY, "cp1252")),
        # The title alone garbled (a body without accents says nothing).
        (garbled(FR_TITLE, "cp1252"), "Le texte a été adopté."),
        (garbled(AR_TITLE, "cp1256"), None),
    ],
    ids=[
        "fr-as-1252",
        "fr-as-latin1",
        "fr-as-1256",
        "ar-as-1252",
        "ar-as-latin1",
        "ar-as-1256",
        "ar-1256-as-1252",
        "en-quotes-as-1252",
        "fr-title-only",
        "ar-title-only",
    ],
)
def test_double_decoding_is_caught(title: str, body: str | None) -> None:
    assert is_mojibake(title, body)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (FR_TITLE, FR_BODY),
        (AR_TITLE, AR_BODY),
        (EN_TITLE, EN_BODY),
        # Arabic punctuation and guillemets right after a word ending in ط, ظ or أ.
        ("الحظ» فقط، ضغط؟ حفظ؛", "قال: «لا خطأ، فقط ضغط»؟ نحن نحفظ؛ هذا مبدأ»."),
        # Names with a real Ã or Ø, once each.
        ("São Tomé et Príncipe : l'IRMÃ DULCE honorée", "Ørsted et Ngô Bảo Châu à Hanoï."),
        # Two look-alikes (a name and a quoted garbled word): at the threshold, not over.
        ("IRMÃ DULCE", "Les courriels affichaient « Ã© » au lieu de « é »."),
        # Quotes, dashes and an ellipsis after words ending in ط or ظ.
        (
            "في الرباط… وقالت الشرطة إن الشرط”",
            "ارتفعت أسعار النفط… وقال الوزير إن السوق تحت الضغط… في منطقة الشرق الأوسط… حسب تعبيره.",
        ),
        (None, None),
    ],
    ids=["fr", "ar", "en", "ar-punctuation", "names", "two-look-alikes", "ar-quotes", "empty"],
)
def test_real_text_is_not_flagged(title: str | None, body: str | None) -> None:
    assert not is_mojibake(title, body)


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("LibÃ©ration", 1),
        ("Ã©lÃ¨ve Ã  cÃ´tÃ©", 5),
        ("Â« oui Â»", 2),
        ("lâ€™Ã©tÃ©", 3),
        ("Ø§Ù„Ù…ØºØ±Ø¨", 6),
        ("ط§ظ„ظ…ط؛ط±ط¨", 4),  # غ → ط؛ and م → ظ… are not counted: «فقط؛», «النفط…» are real
        ("Libأ©ration", 1),
        ("ÇáãÛÑÈ", 1),
        ("IRMÃ DULCE", 1),
        ("São Paulo", 0),
        ("فقط، ضغط؟ الحظ»", 0),
        ("", 0),
    ],
)
def test_hits_are_the_garbled_characters(text: str, hits: int) -> None:
    assert mojibake_hits(text) == hits


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # Two signatures in a short title and a clean body: under three, but confirmed.
        ("Ã‰lections : le PJD en tÃªte", "Le parti arrive en tête dans six régions."),
        # One in the title, one in the body, of an English page read as windows-1252.
        ("Egyptâ€™s central bank holds rates", "The bankâ€™s committee met on Thursday."),
    ],
    ids=["fr-short-title", "en-apostrophes"],
)
def test_a_few_confirmed_signatures_are_enough(title: str, body: str) -> None:
    assert is_mojibake(title, body)


@pytest.mark.parametrize(
    ("text", "confirmed"),
    [
        ("LibÃ©ration", 1),  # é
        ("lâ€™Ã©tÃ©", 3),  # ’ é é
        ("ط§ظ„", 2),  # ا ل read as windows-1256
        ("IRMÃ DULCE", 0),  # a real Ã: "Ã " is no UTF-8 character
        # One stray byte read as windows-1256 after «أ»: a lone pair, not a run.
        ("العثماني يدعو الأ€غلبية الحكومية", 0),
        ("ÇáãÛÑÈ", 0),  # windows-1256 read as windows-1252: a hit, not turned back
        ("", 0),
    ],
)
def test_confirmed_signatures_turn_back_into_a_character(text: str, confirmed: int) -> None:
    assert confirmed_hits(text) == confirmed


# The signatures as the module's docstring lists them, one alternative each: the
# compiled MOJIBAKE, written for speed, must find exactly these.
_LATIN_IMAGES = "".join(
    sorted(
        (
            set(bytes(range(0x80, 0xC0)).decode("cp1252", "ignore"))
            | set(map(chr, range(0x80, 0xC0)))
        )
        - set("\xa0\xad\u200c\u200d")
    )
)
_ARABIC_IMAGES = "".join(
    sorted(
        set(bytes(range(0x80, 0xC0)).decode("cp1256")) - set("\xa0\xad\u200c\u200d،؛؟«»…“”‘’–—•")
    )
)
PLAIN_SIGNATURES = re.compile(
    f"[ÂÃØÙ][{re.escape(_LATIN_IMAGES)}]|[ÂÃ] |â[€\x80]|[طظأ][{re.escape(_ARABIC_IMAGES)}]|Çá"
)


def test_the_signatures_found_are_the_plain_alternatives() -> None:
    texts = [FR_TITLE, FR_BODY, AR_TITLE, AR_BODY, EN_TITLE, EN_BODY]
    texts += [
        garbled(text, read_as)
        for text in (FR_BODY, AR_BODY, EN_BODY)
        for read_as in ("cp1252", "latin-1", "cp1256")
    ]
    texts.append(garbled(AR_BODY, "cp1252", written_as="cp1256"))
    # Every lead beside every character a signature may have second, and a few it may not.
    leads, seconds = "ÂÃØÙâطظأÇ", _LATIN_IMAGES + _ARABIC_IMAGES + " €\x80áaب،«"
    texts += [f"x{lead}{second}{lead}" for lead in leads for second in seconds]
    found = [MOJIBAKE.findall(text) for text in texts]
    assert found == [PLAIN_SIGNATURES.findall(text) for text in texts]
    assert sum(map(len, found)) > 500  # the texts above do hold signatures
