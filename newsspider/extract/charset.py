"""Bytes → text for pages whose charset declaration may be wrong or missing.

Scrapy trusts the declared charset and, without one, guesses UTF-8 then
windows-1252 — which turns an undeclared Arabic windows-1256 page into Latin
garbage without a single decoding error.  Here a declaration must decode
cleanly to be believed; otherwise UTF-8 is tried strictly, then the legacy
charset of the section's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# The charsets pages of each language used before UTF-8 (one line per language).
LEGACY_ENCODINGS = {"ar": "cp1256", "fr": "cp1252", "en": "cp1252"}


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    declared: str | None
    repaired: bool  # the declaration was missing or wrong
    utf8: bytes | None = None  # the bytes themselves, when they are the UTF-8 of ``text``


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_page(body: bytes, content_type: str | None, lang: str | None) -> Decoded:
    """The page's text, from the first charset that decodes it without an error."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return Decoded(body[len(bom) :].decode(bom_encoding, "replace"), bom_encoding, None, False)
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    declared = resolve_encoding(declared) if declared else None
    text = _strict(body, declared)
    if text is not None:
        utf8 = body if declared == "utf-8" else None
        return Decoded(text, declared or "", declared, False, utf8)
    text = _strict(body, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", declared, declared is not None, body)
    legacy = LEGACY_ENCODINGS.get(lang or "", "cp1252")
    return Decoded(body.decode(legacy, "replace"), legacy, declared, True)
