"""HTML (possibly escaped once or twice more) to plain text, as the sources deliver it.

``html_to_text_parsed`` defines the result: entities decoded until stable (at most three
rounds), then a BeautifulSoup parse with line breaks for ``<br>`` and around block elements,
then whitespace tidied. It costs about 0.3 ms for a typical description, which would make
the XML extract's ~100,000 descriptions most of an ingest, so ``html_to_text`` computes the
same text with a few C-level string passes (about a tenth of that) whenever the markup is
well nested, and hands anything else (unbalanced tags, comments, scripts, a stray ``<``, a
reference the parser would read its own way) to the parser.
tests/test_html_text.py checks that the two agree, edge cases and random markup alike.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup

# Block elements that get lines of their own; <br> becomes a line break.
BLOCK_TAGS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol")
_UNESCAPE_ROUNDS = 3  # "&amp;amp;lt;" is as deep as the sources go


# --- entities -----------------------------------------------------------------------------
# html.unescape calls back into Python for every reference, and an escaped description holds
# hundreds of "&lt;"/"&gt;". A round below replaces each distinct reference once with
# str.replace instead, which gives exactly html.unescape's result when every reference is
# one it knows in full: each match of html.unescape's pattern starts at an "&", none
# contains another "&", and each known reference ends in ";", so every occurrence of
# "&lt;" is a whole match. "&amp;" goes last so the "&" it yields is not read again.

# html.unescape's own pattern (Lib/html/__init__.py).
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_COMMON_REFERENCES = (
    "lt;", "gt;", "quot;", "apos;", "#39;", "nbsp;", "#160;", "ndash;", "mdash;", "rsquo;",
    "lsquo;", "rdquo;", "ldquo;", "hellip;", "bull;", "middot;", "copy;", "reg;", "trade;",
    "sect;", "deg;", "frac12;", "times;", "eacute;", "#8211;", "#8212;", "#8216;", "#8217;",
    "#8220;", "#8221;", "#8226;", "#x27;", "#34;", "#38;",
)  # fmt: skip
_REPLACEMENTS = {name: html.unescape("&" + name) for name in _COMMON_REFERENCES}
# Where a reference can start: every name html.unescape knows begins with a letter. It is
# also what html.parser reads as a reference in text, decoding it once more (with its own
# entity table), and an incomplete one there makes it read the rest as text.
_PARSER_REFERENCE = re.compile(r"&[#A-Za-z]")
_AMP = "amp;"


# A reference that could change under html.unescape and is not one of the four commonest.
_UNCOMMON_REFERENCE = re.compile(r"&(?!(?:lt|gt|amp|quot);)[#A-Za-z]")


def _unescape_once(text: str) -> str:
    """``html.unescape(text)``, by plain replaces when every reference is a common one."""
    if "&lt;" in text and _UNCOMMON_REFERENCE.search(text) is None:
        # Markup escaped once more is mostly "&lt;" and "&gt;": replaced without listing.
        text = text.replace("&lt;", "<").replace("&gt;", ">")
        if "&" not in text:
            return text
    return _decode(text, set(_REFERENCE.findall(text)))


def _decode(text: str, names: set[str]) -> str:
    """``html.unescape(text)`` given the references it holds (as ``_REFERENCE`` finds them)."""
    if not names:
        return text
    has_amp = _AMP in names
    if has_amp:
        names.discard(_AMP)
    if not names.issubset(_REPLACEMENTS):
        return html.unescape(text)
    for name in names:
        text = text.replace("&" + name, _REPLACEMENTS[name])
    return text.replace("&amp;", "&") if has_amp else text


def unescape_html(text: str, rounds: int = _UNESCAPE_ROUNDS) -> str:
    """Entities decoded until the text is stable, at most three rounds (double escaping)."""
    for _ in range(rounds):
        if "&" not in text or _PARSER_REFERENCE.search(text) is None:
            break  # nothing html.unescape would change
        unescaped = _unescape_once(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def unescape_text(value: object) -> str | None:
    """Titles and names: entities decoded even when escaped twice, trimmed; None when blank.

    No HTML parsing: a "<" in a title is text.
    """
    if value is None:
        return None
    return unescape_html(str(value)).strip() or None


# --- whitespace ---------------------------------------------------------------------------
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _tidy(text: str) -> str:
    """Runs of spaces to one, lines trimmed, blank lines collapsed to one."""
    text = text.replace("\xa0", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _tidy_fast(text: str) -> str:
    """``_tidy(text)`` with fewer passes: most text has no tabs and few double spaces."""
    # Single-character replaces are memchr-fast when there is nothing to replace.
    text = text.replace("\xa0", " ").replace("\t", " ").replace("\r", " ")
    text = text.replace("\f", " ").replace("\v", " ")
    if "  " in text:
        text = _MULTI_SPACES.sub(" ", text)
    if "\n" in text:
        text = "\n".join([line.strip() for line in text.split("\n")])
        if "\n\n\n" in text:
            # Lines are trimmed, so only newlines lie between newlines now.
            text = _NEWLINE_RUNS.sub("\n\n", text)
    return text.strip()


_MULTI_SPACES = re.compile(r"  +")
_NEWLINE_RUNS = re.compile(r"\n\n\n+")


# --- the reference ------------------------------------------------------------------------


def html_to_text_parsed(value: str | None) -> str | None:
    """Plain text by a full HTML parse: the definition ``html_to_text`` must match."""
    if value is None:
        return None
    text = unescape_html(str(value))
    if "<" in text and ">" in text:
        # The newline (trimmed away below) keeps html.parser from dropping a reference
        # left unfinished at the very end: "<br>R&D" would otherwise come out as "RD".
        soup = BeautifulSoup(text + "\n", "html.parser")
        for br in soup.find_all("br"):
            br.replace_with("\n")
        for block in soup.find_all(list(BLOCK_TAGS)):
            block.insert_before("\n")
            block.insert_after("\n")
        text = soup.get_text()
    return _tidy(text) or None


# --- the fast path ------------------------------------------------------------------------
# BeautifulSoup's void elements: no end tag, no content.
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "basefont",
        "bgsound",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "image",
        "img",
        "input",
        "isindex",
        "keygen",
        "link",
        "menuitem",
        "meta",
        "nextid",
        "param",
        "source",
        "spacer",
        "track",
        "wbr",
    ]
)
# Elements whose content html.parser or get_text() treat specially: always the parser.
_SPECIAL_TAGS = frozenset(
    [
        "script",
        "style",
        "template",
        "rt",
        "rp",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
    ]
)
_ATTRS = r"""(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`/]+))?)*\s*"""
# A tag html.parser reads as one: (closing slash, name, self-closing slash). Splitting on it
# leaves text, then the three groups, then text, and so on.
_TAG = re.compile(r"<(/?)([a-zA-Z][^\t\n\r\f />\x00<]*)" + _ATTRS + r"(/?)>")
_BR = re.compile(r"<br[\t\n\r\f ]*/?>", re.IGNORECASE)
_NOT_BR = re.compile(r"<(?!br[\t\n\r\f ]*/?>)", re.IGNORECASE)
_LINE_BREAKING = frozenset(BLOCK_TAGS) | {"br"}


def _strip_tags(text: str) -> str | None:
    """Text with tags removed and line breaks where html_to_text_parsed puts them.

    None when the markup is not well nested (every tag closed in order, void tags aside) or
    holds something the parser reads differently: the caller then uses the parser.
    """
    parts = _TAG.split(text)
    stack: list[str] = []
    # parts: text, slash, name, self-closing slash, text, ...
    for index in range(2, len(parts), 4):
        name = parts[index].lower()
        if name in _SPECIAL_TAGS:
            return None
        if parts[index - 1]:  # an end tag
            if parts[index + 1] or not stack or stack.pop() != name:
                return None
        elif name in _VOID_TAGS:
            pass
        elif parts[index + 1]:
            return None  # <p/> is an element to BeautifulSoup, not a tag to drop
        else:
            stack.append(name)
        # Block tags and <br> become a line break, everything else nothing.
        parts[index] = "\n" if name in _LINE_BREAKING else ""
        parts[index - 1] = parts[index + 1] = ""
    if stack:
        return None
    text = "".join(parts)
    return None if "<" in text else text  # a "<" that is text, or markup not read as a tag


def _strip_markup(text: str) -> str | None:
    """Tags out and line breaks in, or None when only the parser can say what the markup is."""
    if _NOT_BR.search(text) is None:
        return _BR.sub("\n", text)  # only line breaks, the commonest markup
    return _strip_tags(text)


def html_to_text(value: str | None) -> str | None:
    """Plain text from HTML that may be escaped once or twice more; None when blank.

    Equal to ``html_to_text_parsed(value)`` for every input, computed without a parse tree
    whenever the markup allows.
    """
    if value is None:
        return None
    text = unescape_html(str(value))
    if "<" not in text or ">" not in text:
        return _tidy_fast(text) or None
    stripped = _strip_markup(text)
    if stripped is None:
        return html_to_text_parsed(value)
    text = _tidy_fast(stripped)
    if "&" in text and _PARSER_REFERENCE.search(text) is not None:
        return html_to_text_parsed(value)
    return text or None
