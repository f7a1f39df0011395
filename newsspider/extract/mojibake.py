"""Signatures of double decoding in a record's text (mojibake).

When UTF-8 bytes are read as a single-byte charset, every non-ASCII character
becomes two or three characters: its lead byte's image followed by the images
of its continuation bytes (0x80–0xBF).  The pairs this leaves are characters no
real text puts side by side, so they can be counted:

- UTF-8 read as windows-1252 or Latin-1: French accents ``é`` → ``Ã©``,
  ``à`` → ``Ã `` (its NBSP byte folded to a space), guillemets ``«`` → ``Â«``,
  curly quotes ``’`` → ``â€™``, Arabic ``ا`` → ``Ø§``, ``ل`` → ``Ù„``;
- UTF-8 read as windows-1256 (an Arabic section's legacy charset): ``ا`` →
  ``ط§``, ``ل`` → ``ظ„``, ``م`` → ``ظ…``, French ``é`` → ``أ©``;
- windows-1256 Arabic read as windows-1252: ``ال`` → ``Çá``.

Each family is a lead character followed by one of the continuation images.
Punctuation is left out of the windows-1256 images (the Arabic comma,
semicolon and question mark, guillemets, quotes, dashes and the ellipsis):
``فقط،``, ``«…الحظ»`` or ``النفط…`` is real Arabic.  (So ``م``, whose image is
``ظ…``, is not counted; ``ا`` and ``ل``, the commonest letters, are.)

A hit is *confirmed* when the characters from it, turned back into the bytes
they were read from, are the UTF-8 of one letter, digit or sign: ``Ã©`` is
``é``, ``â€™`` is ``’``, but the ``Ã`` of «IRMÃ DULCE» or the ``Ø`` of «Ørsted»
turn back into no character.  Confirmed hits are near proof, so two are enough
where three plain hits are needed.
"""

from __future__ import annotations

import re
import unicodedata

# Images of the continuation bytes 0x80–0xBF, byte by byte, in each charset.
_AS_1252 = "".join(bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0))
_AS_LATIN1 = "".join(chr(b) for b in range(0x80, 0xC0))
_AS_1256 = "".join(bytes([b]).decode("cp1256") for b in range(0x80, 0xC0))
# NBSP, soft hyphen and joiners do not survive text cleaning.
_CLEANED_AWAY = "\xa0\xad\u200c\u200d"
# Punctuation legitimately follows a word ending in ط, ظ or أ.
_AFTER_ARABIC_WORDS = "،؛؟«»…“”‘’–—•"


def _images(chars: str, left_out: str) -> str:
    return re.escape("".join(sorted(set(chars) - set(left_out))))


_LATIN = _images(_AS_1252 + _AS_LATIN1, _CLEANED_AWAY)
_ARABIC = _images(_AS_1256, _CLEANED_AWAY + _AFTER_ARABIC_WORDS)
# Each signature is two characters: a lead character, then one of those its
# family allows after it.
SIGNATURES = (
    ("ÂÃØÙ", f"[{_LATIN}]"),  # UTF-8 read as windows-1252 / Latin-1
    ("ÂÃ", " "),  # à and a lone NBSP, the NBSP folded into a space
    ("â", "[€\x80]"),  # ’ “ ” – … (E2 80 xx)
    ("طظأ", f"[{_ARABIC}]"),  # UTF-8 read as windows-1256
    ("Ç", "á"),  # windows-1256 «ال» read as windows-1252
)
# The leads as one class up front, each family's second character after a
# look-behind at its leads: the regex engine then skips from lead to lead instead
# of trying every family at every character (a sixth of the time on an article;
# the same matches as the plain alternation of the signatures).
MOJIBAKE = re.compile(
    f"[{''.join(sorted({lead for leads, _ in SIGNATURES for lead in leads}))}]"
    f"(?:{'|'.join(f'(?<=[{leads}]){second}' for leads, second in SIGNATURES)})"
)

# The charsets each signature's characters were read in, to turn them back.
_READ_AS = {"latin": ("cp1252", "latin-1"), "arabic": ("cp1256",)}

# Three hits, or two confirmed: a garbled page shows one per accented letter
# (dozens in a French article) or per Arabic letter (hundreds), while real text
# may hold a look-alike or two — «IRMÃ DULCE» in capitals, a quoted garbled word.
MIN_HITS = 3
MIN_CONFIRMED = 2


def _utf8_length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _confirmed(text: str, start: int) -> bool:
    """The characters from ``start`` are the misread UTF-8 of one real character."""
    family = "arabic" if text[start] in "طظأ" else "latin"
    for charset in _READ_AS[family]:
        try:
            lead = text[start].encode(charset)[0]
            size = _utf8_length(lead)
            char = text[start : start + size].encode(charset).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(char) == 1 and unicodedata.category(char)[0] in "LNPS":
            return True
    return False


def mojibake_hits(text: str | None) -> int:
    """How many double-decoding signatures ``text`` shows."""
    return len(MOJIBAKE.findall(text)) if text else 0


def confirmed_hits(text: str | None) -> int:
    """How many of ``text``'s signatures turn back into a real character.

    An Arabic-family signature counts only beside another one: garbled Arabic
    comes in runs (``ط§ظ„`` is «ال»), while ``أ``, ``ط`` or ``ظ`` followed by one
    stray byte read as windows-1256 (``أ€``) is a single pair in a clean word.
    """
    if not text:
        return 0
    matches = list(MOJIBAKE.finditer(text))
    confirmed = 0
    for index, match in enumerate(matches):
        if text[match.start()] in "طظأ":
            touches_previous = index > 0 and matches[index - 1].end() == match.start()
            touches_next = index + 1 < len(matches) and matches[index + 1].start() == match.end()
            if not (touches_previous or touches_next):
                continue
        confirmed += _confirmed(text, match.start())
    return confirmed


def is_mojibake(title: str | None, body: str | None) -> bool:
    """The record's text was decoded twice: it must not be written as good."""
    hits = mojibake_hits(title) + mojibake_hits(body)
    if hits >= MIN_HITS:
        return True
    # Without a signature (nearly every record) there is none to confirm: the text is
    # not searched a second time.
    return hits > 0 and confirmed_hits(title) + confirmed_hits(body) >= MIN_CONFIRMED
