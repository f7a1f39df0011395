"""The markup files of ``templates/`` and the escaping rules the real pages follow."""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from html import unescape
from html.entities import codepoint2name
from importlib import resources
from string import Template

AD_PREFIX = "div-gpt-ad-1571234567890-"
ADSENSE = (
    '<ins class="adsbygoogle" style="display:block; text-align:center;" '
    'data-ad-layout="in-article" data-ad-format="fluid" data-ad-client="ca-pub-4839201757183742" '
    'data-ad-slot="6419273850"></ins>'
    "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script>"
)


@cache
def template(name: str) -> Template:
    text = resources.files(__package__).joinpath("templates", name).read_text("utf-8")
    return Template(text)


def fill(name: str, **values: object) -> str:
    return template(name).substitute(**values)


def esc(text: str) -> str:
    """Escape text for HTML/XML content and double-quoted attributes (not ', as JSF does)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def esc_entities(text: str) -> str:
    """Escape like an old CMS: named entities for every accented letter, &#039; for '."""
    out = []
    for char in text:
        if char == "'":
            out.append("&#039;")
        elif ord(char) > 127 and ord(char) in codepoint2name:
            out.append(f"&{codepoint2name[ord(char)]};")
        else:
            out.append(esc(char))
    return "".join(out)


# ``{{raw:...}}`` in an explicit title or paragraph of add_article(): ``...`` goes into the HTML
# verbatim (entity markup such as ``&#233;`` or ``&foo;``); the article's text holds what a
# browser shows for it (``html.unescape``).
RAW_MARK = re.compile(r"\{\{raw:(.*?)\}\}", re.DOTALL)


def shown_text(text: str) -> str:
    """What a browser shows for an explicit title or paragraph: raw parts decoded."""
    return RAW_MARK.sub(lambda match: unescape(match[1]), text)


def raw_html(text: str) -> str:
    """An explicit title or paragraph as HTML: named entities (``esc_entities``) outside the
    ``{{raw:...}}`` parts, the raw parts verbatim."""
    out, position = [], 0
    for match in RAW_MARK.finditer(text):
        out.append(esc_entities(text[position : match.start()]))
        out.append(match[1])
        position = match.end()
    out.append(esc_entities(text[position:]))
    return "".join(out)


def viewstate(key: str) -> str:
    """A JSF ViewState look-alike: 4-8 KB of base64 that only depends on the page."""
    seed = hashlib.sha256(key.encode("utf-8")).digest()
    size = 3750 + int.from_bytes(seed[:2], "big") % 2251
    return base64.b64encode(hashlib.shake_256(seed).digest(size)).decode("ascii")


def ad(number: int) -> str:
    slot = f"{AD_PREFIX}{number}"
    return (
        f'<div id="{slot}"><script>googletag.cmd.push(function() {{ '
        f"googletag.display('{slot}'); }});</script></div>"
    )
