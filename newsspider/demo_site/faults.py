"""Per-path faults of the fixture site: what a broken or hostile web does to one URL.

A :class:`PathFault` is set with :meth:`FixtureSite.add_path_fault` and matched against the
path of each request (query string ignored; a pattern ending in ``*`` matches a prefix). The
network-level kinds (``slow``, ``reset``, ``truncate``) are carried out by the HTTP handler in
``server.py``; the content-level kinds turn the rendered :class:`Response` into something else
in :meth:`FixtureSite.render`: the responses that replace a page (:func:`replacement`,
:func:`error_response`) and the transformations of a page's bytes (:func:`transform`) live here.
"""

from __future__ import annotations

import codecs
import gzip
import math
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .response import Response, response
from .templates import esc

# In the order a request meets them: network faults before anything is rendered, then the
# ones that replace the page, then the ones that transform it (truncate acts on the result).
NETWORK_KINDS = ("slow", "reset", "truncate")
REPLACING_KINDS = ("status", "redirect", "content")
TRANSFORMING_KINDS = ("malformed", "charset", "oversize", "gzip")
KINDS: tuple[str, ...] = ("status", "slow", "reset", "truncate", "charset", "malformed")
KINDS += ("oversize", "redirect", "content", "gzip")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)

# Parameters of each kind: name -> required (every kind also takes ``times``).
_PARAMS: dict[str, dict[str, bool]] = {
    "status": {"status": True},
    "slow": {"seconds": True},
    "reset": {},
    "truncate": {},
    "charset": {"encoding": True, "declared": False},
    "malformed": {},
    "oversize": {"size": True},
    "redirect": {"to": True, "status": False},
    "content": {"content_type": True, "body": True},
    "gzip": {"size": False, "corrupt": False},
}


@dataclass(frozen=True)
class PathFault:
    """One fault on one path (``/fr/libe/32145``) or path prefix (``/fr/libe/*``).

    ``times`` (None: always) limits the fault to the first ``times`` requests of each
    matching path; later requests are served normally.
    """

    path: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    times: int | None = None

    @property
    def is_prefix(self) -> bool:
        return self.path.endswith("*")

    def matches(self, path: str) -> bool:
        """Whether the fault applies to a request path (query string already removed)."""
        if self.is_prefix:
            return path.startswith(self.path[:-1])
        return path == self.path

    @property
    def specificity(self) -> tuple[bool, int]:
        """Exact paths beat prefixes, longer prefixes beat shorter ones."""
        return (not self.is_prefix, len(self.path))


@dataclass(frozen=True)
class NetworkFaults:
    """What the HTTP handler must do to one request before and while answering it."""

    delay: float = 0.0  # seconds to sleep before answering
    reset: bool = False  # close with a TCP RST instead of answering
    truncate: bool = False  # send half the body under the full Content-Length, then close


def make_fault(path: str, kind: str, params: dict[str, Any]) -> PathFault:
    """A validated :class:`PathFault`; ValueError/TypeError name what is wrong."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"a fault path starts with '/', not {path!r}")
    if "?" in path or "#" in path:
        raise ValueError(f"fault paths match the path only, without query or fragment: {path!r}")
    if "*" in path[:-1]:
        raise ValueError(f"'*' may only end a fault path: {path!r}")
    if kind not in _PARAMS:
        raise ValueError(f"unknown fault kind {kind!r} (known: {', '.join(KINDS)})")
    params = dict(params)
    times = params.pop("times", None)
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
        raise ValueError(f"times must be None or a non-negative int, not {times!r}")
    allowed = _PARAMS[kind]
    unknown = set(params) - set(allowed)
    if unknown:
        raise TypeError(f"{kind} fault: unknown parameter(s) {', '.join(sorted(unknown))}")
    missing = [name for name, required in allowed.items() if required and name not in params]
    if missing:
        raise TypeError(f"{kind} fault: missing parameter(s) {', '.join(missing)}")
    if kind == "status":
        status = params["status"]
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"status fault: a 4xx or 5xx status, not {status!r}")
    elif kind == "slow":
        seconds = params["seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"slow fault: seconds must be a number, not {seconds!r}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"slow fault: seconds must be finite and >= 0, not {seconds!r}")
        params["seconds"] = float(seconds)
    elif kind == "charset":
        codecs.lookup(params["encoding"])  # LookupError for an unknown codec
        params.setdefault("declared", params["encoding"])
        declared = params["declared"]
        if declared is not None and (
            not isinstance(declared, str) or not re.fullmatch(r"[A-Za-z0-9._:-]+", declared)
        ):
            raise ValueError(
                f"charset fault: declared must be a charset name or None: {declared!r}"
            )
    elif kind == "oversize":
        size = params["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise ValueError(f"oversize fault: size must be a positive int, not {size!r}")
    elif kind == "gzip":
        size, corrupt = params.setdefault("size", None), params.setdefault("corrupt", False)
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
            raise ValueError(f"gzip fault: size must be None or a positive int, not {size!r}")
        if not isinstance(corrupt, bool):
            raise TypeError(f"gzip fault: corrupt must be True or False, not {corrupt!r}")
    elif kind == "redirect":
        to = params["to"]
        if not isinstance(to, str) or not to or not to.isascii() or any(c in to for c in "\r\n"):
            raise ValueError(f"redirect fault: bad target {to!r} (ASCII, percent-encoded)")
        params.setdefault("status", 302)
        if params["status"] not in REDIRECT_STATUSES:
            raise ValueError(f"redirect fault: status must be one of {REDIRECT_STATUSES}")
    elif kind == "content":
        content_type, body = params["content_type"], params["body"]
        if (
            not isinstance(content_type, str)
            or not content_type.isascii()
            or any(c in content_type for c in "\r\n")
        ):
            raise ValueError(f"content fault: bad content_type {content_type!r}")
        if not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("content fault: body must be bytes")
        params["body"] = bytes(body)
    return PathFault(path, kind, params, times)


# --- content transformations ----------------------------------------------------------------

_PROLOG_ENCODING = re.compile(r"""(<\?xml\b[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2""")
_META_HTTP_EQUIV = re.compile(
    r"""<meta\s+http-equiv\s*=\s*["']?content-type["']?\s+content\s*=\s*(["'])"""
    r"""([^"';]*)(?:;\s*charset=[^"']*)?\1\s*/?>\n?""",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(
    r"""<meta\s+charset\s*=\s*["']?[^"'\s/>]*["']?\s*/?>\n?""", re.IGNORECASE
)


def recharset(
    body: bytes, charset: str, content_type: str, encoding: str, declared: str | None
) -> tuple[bytes, str]:
    """``body`` (in ``charset``) re-encoded in ``encoding``, declaring ``declared`` in the XML
    prolog, the ``<meta>`` tags and the returned Content-Type; ``declared=None`` removes every
    declaration. Characters ``encoding`` cannot hold become ``&#NNN;`` references."""
    text = body.decode(charset, "replace")
    head, rest = text[:4096], text[4096:]
    if declared is None:
        head = _PROLOG_ENCODING.sub(r"\1", head, count=1)
        head = _META_HTTP_EQUIV.sub("", head)
        head = _META_CHARSET.sub("", head)
    else:
        head = _PROLOG_ENCODING.sub(lambda m: f"{m[1]} encoding={m[2]}{declared}{m[2]}", head, 1)
        head = _META_HTTP_EQUIV.sub(
            lambda m: (
                f'<meta http-equiv="Content-Type" content="{m[2]}; charset={declared}" />'
                + ("\n" if m[0].endswith("\n") else "")
            ),
            head,
        )
        head = _META_CHARSET.sub(
            lambda m: f'<meta charset="{declared}" />' + ("\n" if m[0].endswith("\n") else ""),
            head,
        )
    base_type = content_type.split(";", 1)[0].strip()
    new_type = base_type if declared is None else f"{base_type}; charset={declared}"
    return (head + rest).encode(encoding, "xmlcharrefreplace"), new_type


# What the "malformed" fault inserts; tests look for these exact strings.
NUL = "\x00"
UNCLOSED_RUN = "<div><span><b>"
STRAY_END_TAGS = "</td></tr></table></p>"
STRAY_CDATA = "<![CDATA["
UNTERMINATED_COMMENT = "<!-- unterminated comment: "


def _insert(text: str, at: int, what: str) -> str:
    return text[:at] + what + text[at:] if at >= 0 else text


def mangle_html(text: str) -> str:
    """The page's HTML broken the way real pages are, with every word of it still there.

    Inserted, in page order: a NUL byte after ``<body>``; stray ``</td></tr></table></p>``
    after the title (``</h1>``, or the relaunched layout's headline), and again with a NUL
    after the first paragraph boundary that follows (inside the article body, or the first
    teaser); an unclosed ``<div><span><b>`` run and a stray ``<![CDATA[`` after the article
    container (before the related box, the listing's pager, or the sidebar); another unclosed
    run and two NULs before the footer; a comment opened before ``</body>`` and never closed.

    Nothing is removed: title, published line, body and «click here» link keep their text
    and their place inside the article container (unclosed runs come after it, so a lenient
    parser nests the rest of the page, not the article, in them).
    """
    content = text.find('<div id="content">')
    if content < 0:  # not one of the site's pages (an error page): NULs and the comment only
        text = _insert(text, text.find("<body>") + len("<body>"), NUL)
        return _insert(text, text.rfind("</body>"), UNTERMINATED_COMMENT)
    # From the end backwards, so earlier offsets stay valid.
    text = _insert(text, text.rfind("</body>"), UNTERMINATED_COMMENT)
    text = _insert(text, text.find('<div id="footer">'), UNCLOSED_RUN + NUL + NUL)
    stray = -1
    for marker in ('<div class="relatedarticles">', '<div class="pager">', '<div id="sidebar">'):
        stray = text.find(marker, content)
        if stray >= 0:
            break
    if stray >= 0:
        text = _insert(text, stray, UNCLOSED_RUN + STRAY_CDATA + "\n")
    else:
        stray = len(text)
    title_end = text.find("</h1>", content, stray)
    if title_end >= 0:
        after_title = title_end + len("</h1>")
    else:  # the relaunched layout has no <h1>: start after its headline
        headline = text.find('<div class="headline-x">', content, stray)
        title_end = text.find("</div>", headline) if headline >= 0 else -1
        after_title = title_end + len("</div>") if title_end >= 0 else -1
    if after_title >= 0:
        boundaries = [
            found + len(mark)
            for mark in ("<br /><br />", "</p>")
            if (found := text.find(mark, after_title, stray)) >= 0
        ]
        if boundaries:
            text = _insert(text, min(boundaries), NUL + STRAY_END_TAGS)
        text = _insert(text, after_title, STRAY_END_TAGS)
    body = text.find("<body>")
    return _insert(text, body + len("<body>") if body >= 0 else 0, NUL)


_PAD_WORDS = b"padding "


def pad(body: bytes, size: int) -> bytes:
    """``body`` grown to exactly ``size`` bytes by a trailing comment (whitespace when there is
    no room for one); a body already that large is left alone."""
    deficit = size - len(body)
    if deficit <= 0:
        return body
    head, tail = b"\n<!-- ", b" -->\n"
    if deficit < len(head) + len(tail) + 1:
        return body + b" " * (deficit - 1) + b"\n"
    filler = deficit - len(head) - len(tail)
    noise = _PAD_WORDS * (filler // len(_PAD_WORDS) + 1)
    return body + head + noise[:filler] + tail


# --- responses ------------------------------------------------------------------------------


def error_response(status: int, server_name: str) -> Response:
    """What the front end answers when the application fails: Apache's bare error page."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if status >= 500:
        text = (
            "The server encountered an internal error or\nmisconfiguration and was unable "
            "to complete\nyour request."
        )
    else:
        text = "The server refused to serve the requested URL."
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {phrase}</title>\n</head><body>\n<h1>{phrase}</h1>\n"
        f"<p>{text}</p>\n<hr>\n<address>Apache Server at {server_name} Port 443</address>\n"
        "</body></html>\n"
    )
    return response(status, "text/html; charset=iso-8859-1", body.encode("ascii"))


def replacement(fault: PathFault, server_name: str) -> Response:
    """What a ``status``, ``redirect`` or ``content`` fault answers instead of the page."""
    if fault.kind == "status":
        status = int(fault.params["status"])
        answer = error_response(status, server_name)
        if status in (429, 503):
            answer.headers["Retry-After"] = "1"
        return answer
    if fault.kind == "redirect":
        to = str(fault.params["to"])
        status = int(fault.params["status"])
        body = (
            '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
            f"<html><head>\n<title>{status} {HTTPStatus(status).phrase}</title>\n</head><body>\n"
            f'<h1>{HTTPStatus(status).phrase}</h1>\n<p>The document has moved <a href="{esc(to)}">'
            "here</a>.</p>\n</body></html>\n"
        ).encode("iso-8859-1", "xmlcharrefreplace")
        answer = response(status, "text/html; charset=iso-8859-1", body)
        answer.headers["Location"] = to
        return answer
    return response(200, str(fault.params["content_type"]), bytes(fault.params["body"]))


def gzipped(body: bytes, size: int | None, corrupt: bool) -> bytes:
    """``body`` (padded to ``size`` first, see :func:`pad`) compressed with gzip; a bomb when
    ``size`` is large (20 MB of padding add ~30 KB on the wire). ``corrupt``: the gzip magic
    number is broken, so the bytes announced as gzip are not (nothing can be decompressed)."""
    compressed = gzip.compress(pad(body, size) if size else body, mtime=0)
    return b"\x00\x00" + compressed[2:] if corrupt else compressed


def transform(page: Response, fault: PathFault) -> Response:
    """A ``malformed``, ``charset``, ``oversize`` or ``gzip`` fault applied to a rendered page."""
    content_type = page.headers.get("Content-Type", "")
    base_type = content_type.split(";", 1)[0].strip().lower()
    body = page.body
    if fault.kind == "gzip":
        body = gzipped(body, fault.params["size"], fault.params["corrupt"])
        headers = {**page.headers, "Content-Encoding": "gzip", "Content-Length": str(len(body))}
        return Response(page.status, headers, body)
    if fault.kind == "malformed":
        if base_type != "text/html":
            return page
        text = mangle_html(body.decode(page.charset, "replace"))
        body = text.encode(page.charset, "xmlcharrefreplace")
    elif fault.kind == "charset":
        if not (base_type.startswith("text/") or "xml" in base_type):
            return page
        body, content_type = recharset(
            body,
            page.charset,
            content_type,
            str(fault.params["encoding"]),
            fault.params["declared"],
        )
    else:
        body = pad(body, int(fault.params["size"]))
    headers = {**page.headers, "Content-Type": content_type, "Content-Length": str(len(body))}
    return Response(page.status, headers, body)
