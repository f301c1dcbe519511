"""Where a form may send the user back to: only paths on this site.

Browsers read "\\" in an address as "/" and drop tabs and line breaks from it, so
"/\\evil.example" and "/\t/evil.example" lead off-site just as "//evil.example" does.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def same_site_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or c == "\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
