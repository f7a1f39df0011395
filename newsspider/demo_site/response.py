"""A rendered HTTP response, as the bytes a crawler would receive."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    """An HTTP response as bytes, so tests can check exactly what a crawler would receive."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def charset(self) -> str:
        _, found, charset = self.headers.get("Content-Type", "").rpartition("charset=")
        return (charset.strip() or "utf-8") if found else "utf-8"

    @property
    def text(self) -> str:
        return self.body.decode(self.charset)


def response(status: int, content_type: str, body: bytes) -> Response:
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    return Response(status=status, headers=headers, body=body)
