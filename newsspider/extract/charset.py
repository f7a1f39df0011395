"""Bytes → text for pages whose charset declaration may be wrong, missing or not quite true.

Scrapy trusts the declared charset and, without one, guesses UTF-8 then
windows-1252 — which turns an undeclared Arabic windows-1256 page into Latin
garbage without a single decoding error.  Here a declaration is believed when
it decodes the page, or all but a few of its bytes; otherwise UTF-8 is tried,
then the legacy charset of the section's language.

Real UTF-8 pages carry stray bytes: a curly quote pasted from a word processor
arrives as windows-1252 ``\\x93``, even inside a comment or a script.  One such
byte must not turn the whole page into ``LibÃ©ration``: a page whose non-ASCII
bytes are mostly valid UTF-8 stays UTF-8 and only the stray bytes are repaired.
The legacy charset is taken only when most non-ASCII bytes are invalid UTF-8,
i.e. when the page really is in it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from bs4.dammit import UnicodeDammit
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# The charsets pages of each language used before UTF-8 (one line per language).
LEGACY_ENCODINGS = {"ar": "cp1256", "fr": "cp1252", "en": "cp1252"}

# Share of a page's non-ASCII bytes that may be invalid in its charset while the
# charset still counts as right: a few pasted quotes in a 30 KB page are ~0.5 %.
# Above it (a UTF-8 template around a windows-1252 article, say) the page is
# still repaired per byte, but its declaration is reported as not quite true.
STRAY_SHARE = 0.01

_ASCII = bytes(range(0x80))
# ``bytes.decode(..., REPAIR_STRAY_BYTES)``: see _repair_stray_bytes.
REPAIR_STRAY_BYTES = "newsspider.repair_stray_bytes"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None
    repaired: bool  # the declaration was missing or wrong
    utf8: bytes | None = None  # the bytes themselves, when they are the UTF-8 of ``text``
    repaired_bytes: int = 0  # bytes invalid in ``encoding``, replaced one by one


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _non_ascii(body: bytes) -> int:
    return len(body.translate(None, _ASCII))


def _repair_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Error handler for UTF-8: the bytes the decoder rejected, windows-1252 ones as
    their characters (``\\x93`` → “), anything else as U+FFFD.

    Called by the decoder, in C, for each invalid sequence only: the valid rest of
    the page costs nothing.  ``detwingle`` is given just those bytes, not the page:
    on a whole page it skips a stray lead byte's supposed continuation bytes
    blindly and can land inside the next valid character and rewrite it.  A lone
    lead byte (``\\xc3``) stays U+FFFD: it may as well be a cut UTF-8 character.
    """
    stray = error.object[error.start : error.end]
    return UnicodeDammit.detwingle(stray).decode("utf-8", "replace"), error.end


codecs.register_error(REPAIR_STRAY_BYTES, _repair_stray_bytes)


def _invalid_utf8(body: bytes) -> int:
    """How many bytes of ``body`` are no part of a valid UTF-8 character."""
    return len(body.decode("utf-8", "surrogateescape")) - len(body.decode("utf-8", "ignore"))


def _legacy(body: bytes, encoding: str, declared: str | None, repaired: bool) -> Decoded:
    text = body.decode(encoding, "replace")
    return Decoded(text, encoding, declared, repaired, None, text.count("\ufffd"))


def decode_page(body: bytes, content_type: str | None, lang: str | None) -> Decoded:
    """The page's text: in its declared charset if that decodes it, repaired per byte
    when only a few bytes are wrong, in a legacy charset only when the page is in one.

    Steps, first match wins:

    1. a BOM: its charset, stray bytes repaired (a BOM is never about the wrong charset);
    2. a declared charset other than UTF-8 that decodes without an error;
    3. UTF-8 without an error (declared, undeclared, or declared as something else);
    4. UTF-8 with its invalid bytes repaired, when at most half the non-ASCII
       bytes are invalid (``repaired`` when more than ``STRAY_SHARE`` are, or the
       declaration named another charset);
    5. a declared legacy charset whose invalid bytes are at most ``STRAY_SHARE``
       of the non-ASCII ones, those bytes as U+FFFD;
    6. the section language's legacy charset (``LEGACY_ENCODINGS``).
    """
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        body = body[len(bom) :]
        if bom_encoding != "utf-8":
            return _legacy(body, bom_encoding, None, False)
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8", None, False, body)
        text = body.decode("utf-8", REPAIR_STRAY_BYTES)
        return Decoded(text, "utf-8", None, False, None, _invalid_utf8(body))

    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    declared = resolve_encoding(declared) if declared else None
    legacy_declared = declared if declared and declared != "utf-8" else None
    if legacy_declared and (text := _strict(body, legacy_declared)) is not None:
        return Decoded(text, legacy_declared, declared, False)
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", declared, legacy_declared is not None, body)

    non_ascii = _non_ascii(body)
    invalid = _invalid_utf8(body)
    if invalid * 2 <= non_ascii:
        repaired = legacy_declared is not None or invalid > non_ascii * STRAY_SHARE
        text = body.decode("utf-8", REPAIR_STRAY_BYTES)
        return Decoded(text, "utf-8", declared, repaired, None, invalid)
    if legacy_declared:
        in_declared = _legacy(body, legacy_declared, declared, False)
        if in_declared.repaired_bytes <= non_ascii * STRAY_SHARE:
            return in_declared
    return _legacy(body, LEGACY_ENCODINGS.get(lang or "", "cp1252"), declared, True)
