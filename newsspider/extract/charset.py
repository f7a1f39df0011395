"""Bytes → text for pages whose charset declaration may be wrong, missing or not quite true.

Scrapy trusts the declared charset and, without one, guesses UTF-8 then
windows-1252 — which turns an undeclared Arabic windows-1256 page into Latin
garbage without a single decoding error.  Here bytes that are valid UTF-8 are
read as UTF-8 whatever the declaration says (a server's default
``charset=ISO-8859-1`` header on a UTF-8 page is common, and text that is
valid UTF-8 by accident does not happen in French or Arabic); a legacy
declaration is believed when the bytes are not UTF-8; otherwise the legacy
charset of the section's language is used.

Real UTF-8 pages carry stray bytes: a curly quote pasted from a word processor
arrives as windows-1252 ``\\x93``, even inside a comment or a script.  One such
byte must not turn the whole page into ``LibÃ©ration``: a page whose non-ASCII
bytes are mostly valid UTF-8 stays UTF-8 and only the stray bytes are read, one
run at a time, in the section's legacy charset — windows-1252 in French and
English sections (``\\x93`` → “, ``\\xe9`` → é), windows-1256 in Arabic ones.
(beautifulsoup4's ``UnicodeDammit.detwingle`` was the first tool for this, but
it leaves bytes 0xC2–0xF4 alone, taking them for UTF-8 lead bytes, so a pasted
«é» became U+FFFD, and it knows no windows-1256: Python's own codecs, called by
the UTF-8 decoder on the rejected bytes only, do both.)  The legacy charset is
taken for the whole page only when most non-ASCII bytes are invalid UTF-8,
i.e. when the page really is in it.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# The charsets pages of each language used before UTF-8 (one line per language).
LEGACY_ENCODINGS = {"ar": "cp1256", "fr": "cp1252", "en": "cp1252"}
DEFAULT_LEGACY = "cp1252"

# Share of a page's non-ASCII bytes that may be invalid in its charset while the
# charset still counts as right: a few pasted quotes in a 30 KB page are ~0.5 %.
# Above it (a UTF-8 template around a windows-1256 article, say) the page is
# still repaired per byte, but its declaration is reported as not quite true.
STRAY_SHARE = 0.01

_ASCII = bytes(range(0x80))


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


def read_stray(stray: bytes, legacy: str) -> str:
    """Bytes a UTF-8 page holds that are not UTF-8, as the legacy charset reads them
    (a byte that charset does not define, such as windows-1252's 0x81, is U+FFFD)."""
    return stray.decode(legacy, "replace")


def _stray_handler(legacy: str) -> Callable[[UnicodeError], tuple[str, int]]:
    """A UTF-8 error handler that reads each rejected run in ``legacy``: called by the
    decoder, in C, for the invalid sequences only, so the valid rest costs nothing."""

    def repair(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)  # registered for decoding only
        return read_stray(error.object[error.start : error.end], legacy), error.end

    return repair


# ``bytes.decode("utf-8", STRAY_HANDLERS[legacy])``: one handler per legacy charset.
STRAY_HANDLERS = {
    legacy: f"newsspider.stray_bytes_as_{legacy}"
    for legacy in {*LEGACY_ENCODINGS.values(), DEFAULT_LEGACY}
}
for _legacy_name, _handler_name in STRAY_HANDLERS.items():
    codecs.register_error(_handler_name, _stray_handler(_legacy_name))


def _invalid_utf8(body: bytes) -> int:
    """How many bytes of ``body`` are no part of a valid UTF-8 character."""
    return len(body.decode("utf-8", "surrogateescape")) - len(body.decode("utf-8", "ignore"))


def _repaired_utf8(body: bytes, legacy: str) -> str:
    return body.decode("utf-8", STRAY_HANDLERS[legacy])


def _legacy(body: bytes, encoding: str, declared: str | None, repaired: bool) -> Decoded:
    text = body.decode(encoding, "replace")
    return Decoded(text, encoding, declared, repaired, None, text.count("\ufffd"))


def decode_page(body: bytes, content_type: str | None, lang: str | None) -> Decoded:
    """The page's text: UTF-8 when its bytes are (all but a few stray ones), the
    declared legacy charset when it decodes a page that is not UTF-8, the section's
    legacy charset when the page is plainly in it.

    Steps, first match wins (``legacy``: the section's legacy charset):

    1. a BOM: its charset; stray bytes of a UTF-8 one read in ``legacy``;
    2. UTF-8 without an error, whatever was declared (``repaired`` when another
       charset was declared and the page has non-ASCII bytes);
    3. UTF-8 whose invalid bytes are at most ``STRAY_SHARE`` of the non-ASCII ones,
       those bytes read in ``legacy``;
    4. a declared charset other than UTF-8 that decodes without an error;
    5. UTF-8 with its invalid bytes read in ``legacy``, when at most half the
       non-ASCII bytes are invalid (a UTF-8 template around a legacy article);
    6. a declared legacy charset whose invalid bytes are at most ``STRAY_SHARE``
       of the non-ASCII ones, those bytes as U+FFFD;
    7. ``legacy`` for the whole page.
    """
    legacy = LEGACY_ENCODINGS.get(lang or "", DEFAULT_LEGACY)
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        body = body[len(bom) :]
        if bom_encoding != "utf-8":
            return _legacy(body, bom_encoding, None, False)
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8", None, False, body)
        return Decoded(
            _repaired_utf8(body, legacy), "utf-8", None, False, None, _invalid_utf8(body)
        )

    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    declared = resolve_encoding(declared) if declared else None
    legacy_declared = declared if declared and declared != "utf-8" else None
    text = _strict(body, "utf-8")
    if text is not None:
        wrong = legacy_declared is not None and len(text) < len(body)
        return Decoded(text, "utf-8", declared, wrong, body)

    non_ascii = _non_ascii(body)
    invalid = _invalid_utf8(body)
    if invalid <= non_ascii * STRAY_SHARE:
        text = _repaired_utf8(body, legacy)
        return Decoded(text, "utf-8", declared, legacy_declared is not None, None, invalid)
    if legacy_declared and (text := _strict(body, legacy_declared)) is not None:
        return Decoded(text, legacy_declared, declared, False)
    if invalid * 2 <= non_ascii:
        return Decoded(_repaired_utf8(body, legacy), "utf-8", declared, True, None, invalid)
    if legacy_declared:
        in_declared = _legacy(body, legacy_declared, declared, False)
        if in_declared.repaired_bytes <= non_ascii * STRAY_SHARE:
            return in_declared
    return _legacy(body, legacy, declared, True)
