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
The Arabic comma, semicolon and question mark, and the closing guillemet, are
left out of the windows-1256 images: ``فقط،`` or ``«…الحظ»`` is real Arabic.
"""

from __future__ import annotations

import re

# Images of the continuation bytes 0x80–0xBF, byte by byte, in each charset.
_AS_1252 = "".join(bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0))
_AS_LATIN1 = "".join(chr(b) for b in range(0x80, 0xC0))
_AS_1256 = "".join(bytes([b]).decode("cp1256") for b in range(0x80, 0xC0))
# NBSP, soft hyphen and joiners do not survive text cleaning.
_CLEANED_AWAY = "\xa0\xad\u200c\u200d"
# Arabic punctuation and » legitimately follow a word ending in ط, ظ or أ.
_AFTER_ARABIC_WORDS = "،؛؟»"


def _images(chars: str, left_out: str) -> str:
    return re.escape("".join(sorted(set(chars) - set(left_out))))


_LATIN = _images(_AS_1252 + _AS_LATIN1, _CLEANED_AWAY)
_ARABIC = _images(_AS_1256, _CLEANED_AWAY + _AFTER_ARABIC_WORDS)
MOJIBAKE = re.compile(
    "|".join(
        (
            f"[ÂÃØÙ][{_LATIN}]",  # UTF-8 read as windows-1252 / Latin-1
            "[ÂÃ] ",  # à and a lone NBSP, the NBSP folded into a space
            "â[€\x80]",  # ’ “ ” – … (E2 80 xx)
            f"[طظأ][{_ARABIC}]",  # UTF-8 read as windows-1256
            "Çá",  # windows-1256 «ال» read as windows-1252
        )
    )
)

# More than two hits: a garbled page shows one per accented letter (dozens in
# a French article) or per Arabic letter (hundreds), while real text may hold
# one or two look-alikes — «IRMÃ DULCE» in capitals, a quoted garbled word.
MIN_HITS = 3


def mojibake_hits(text: str | None) -> int:
    """How many double-decoding signatures ``text`` shows."""
    return len(MOJIBAKE.findall(text)) if text else 0


def is_mojibake(title: str | None, body: str | None) -> bool:
    """The record's text was decoded twice: it must not be written as good."""
    return mojibake_hits(title) + mojibake_hits(body) >= MIN_HITS
