"""HTML to text: the fast path gives exactly what a full parse gives."""

from __future__ import annotations

import html
import random

import pytest

import scrapers.html_text as module
from scrapers.html_text import html_to_text, html_to_text_parsed, unescape_html, unescape_text

EDGE_CASES = [
    "R&amp;D&lt;br/&gt;and AT&amp;amp;T&lt;b&gt;x&lt;/b&gt;",
    "&amp;am&lt;b&gt;&lt;/b&gt;p; joined across a tag",
    "a&amp;&lt;b&gt;amp;&lt;/b&gt; bare ampersand before a tag",
    "&lt;p&gt;&amp;ndash;&amp;nbsp;&amp;quot;dash&amp;quot;&amp;rsquo;s&lt;/p&gt;",
    "&lt;p&gt;&amp;amp;lt;b&amp;amp;gt;triple&amp;amp;lt;/b&amp;amp;gt;&lt;/p&gt;",
    "&lt;p&gt;x &amp;amp;lt; y&lt;/p&gt;",
    "&lt;a title=&quot;&amp;lt;&quot;&gt;attr&lt;/a&gt;",
    "&lt;a href=x&amp;y&gt;amp in tag&lt;/a&gt;",
    "&lt;p&gt;em&amp;#8195;space&amp;#8195;&lt;/p&gt;",
    "&lt;p&gt;legacy &amp;copy&lt;b&gt;right&lt;/b&gt;&lt;/p&gt;",
    "&amp;#128; windows-1252 and &amp;#x2014; hex",
    "&lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;li&gt;two &amp;bull; &amp;hellip;&lt;/li&gt;&lt;/ul&gt;",
    "&amp;amp;amp;amp;lt; four deep",
    "<p>&amp;amp;amp;amp<b>y</b></p>",
    "&lt;p&gt;&amp;amp;amp;amp&lt;b&gt;y&lt;/b&gt;&lt;/p&gt;",
    None,
    "",
    "   ",
    "plain text",
    "a &amp; b",
    "a &amp;amp; b &amp;lt;i&amp;gt;x&amp;lt;/i&amp;gt;",
    "&lt;p&gt;one&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;",
    "<p>one</p><p>two</p>",
    "<P CLASS='x'>Upper</P>",
    "<p>line<br/>break<br>again<br />end</p>",
    "<ul>\n <li>a</li>\n <li>b &ndash; c</li>\n</ul>",
    "<div><p>nested</p>tail</div>",
    '<p>link <a href="https://example.gov/?a=1&amp;b=2" target="_blank">here</a>.</p>',
    "<p>unclosed<p>paragraphs",
    "<b><p>x</b>y</p>",
    "<div><p>a</div>b",
    "<p/>self closing",
    "x<br></br>y",
    "a < b and c > d",
    "<p>a < b</p>",
    "text <!-- comment --> more",
    "<p>a<script>var x = '<p>';</script>b</p>",
    "<style>p {}</style><p>styled</p>",
    "tabs\tand\rcarriage\r\nreturns  and   spaces",
    "non&nbsp;breaking&#160;spaces&#xA0;here",
    "&#8220;quotes&#8221; &rsquo; &hellip;",
    "<h1>Title</h1><h2>Sub</h2><table><tr><td>a</td><td>b</td></tr></table>",
    '<o:p>word</o:p> <span style="font-size: 12pt">html</span>',
    "<p>\u2003em space\u2003inside</p>",
    "unknown &notanentity; and &amp and & alone",
    "<p>a</p>\n\n\n\n<p>b</p>",
    "<img src='x.png' alt='pic'/> after image <hr> rule",
    "<p>attr with > inside</p><a title='a>b'>t</a>",
    "&amp;lt;br/&amp;gt;double&amp;lt;br/&amp;gt;escaped",
    "<td>cell</td> <li>stray item</li>",
    "<p>upper</P>",
    "<textarea><p>raw</p></textarea>",
]


@pytest.mark.parametrize("value", EDGE_CASES)
def test_fast_path_matches_the_parser(value):
    assert html_to_text(value) == html_to_text_parsed(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("&lt;p&gt;one&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;", "one\n\ntwo"),
        ("a&amp;lt;br/&amp;gt;b", "a\nb"),
        (
            "&lt;ul&gt;&lt;li&gt;x &amp;ndash; y&lt;/li&gt;&lt;li&gt;z&lt;/li&gt;&lt;/ul&gt;",
            "x \u2013 y\n\nz",
        ),
        ("  spaced\t out  \n\n\n\nlines ", "spaced out\n\nlines"),
        ("<p>a</p>", "a"),
        # html.parser alone drops an unfinished reference at the very end ("RD").
        ("&lt;br/&gt;R&amp;D", "R&D"),
        ("<p>x</p>AT&T", "x\nAT&T"),
        ("   ", None),
        (None, None),
    ],
)
def test_html_becomes_plain_text(value, text):
    assert html_to_text(value) == text
    assert html_to_text_parsed(value) == text


def _reference_unescape(text: str) -> str:
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def test_unescape_matches_repeated_html_unescape():
    rng = random.Random(5)
    pieces = [
        "&amp;", "&lt;", "&gt;", "&quot;", "&ndash;", "&nbsp;", "&#39;", "&#8217;", "&#x2014;",
        "&amp", "&lt", "&copy", "&notin", "&notanentity;", "&#", "&#x", "&#128;", "&#0;", "&",
        "amp;", "lt;", "#39;", "a", "b", " ", "\n", "<", ">", ";", "#", "x", "AT&T", "&LT;",
    ]  # fmt: skip
    for _ in range(3000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        assert unescape_html(value) == _reference_unescape(value), value


def test_fast_path_matches_on_random_markup():
    rng = random.Random(7)
    pieces = [
        "<p>", "</p>", "<br/>", "<br>", "<p/>", "</br>", "<ul>", "</ul>", "<li>", "</li>",
        "<strong>", "</strong>", "<div>", "</div>", "<em>", "</em>", "<b>", "</b>", "<h2>",
        "</h2>", "<P>", "</P>", "<o:p>", "</o:p>", '<a href="x">', "</a>", "<a title='x&amp;y'>",
        "<a title=&quot;q&quot;>", "<script>", "</script>", "<!-- c -->", "<", ">", "&amp;",
        "&lt;", "&gt;", "&nbsp;", "&ndash;", "&quot;", "&#39;", "&rsquo;", "&hellip;", "&#8195;",
        "&#60;", "&#62;", "&#10;", "&#9;", "&LT;", "&amp;lt;", "&amp;gt;", "&", "&amp", "&copy",
        "&notin", "&#", "&#x", "amp;", "lt;", "gt;", "#", ";", "R&D", " ", "  ", "\n", "\t",
        "\r", "\xa0", "\u2003", "word", "Cyber", "AI",
    ]  # fmt: skip
    for _ in range(1000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        # As written, escaped once, twice and three times, and with only the tags escaped.
        candidates = [value]
        for _ in range(3):
            candidates.append(
                candidates[-1].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            )
        candidates.append(value.replace("<", "&lt;").replace(">", "&gt;"))
        for candidate in candidates:
            assert html_to_text(candidate) == html_to_text_parsed(candidate), candidate


def _nested_markup(rng: random.Random, depth: int = 0) -> str:
    """Well-nested HTML with entities and odd whitespace: what the fast path must handle."""
    texts = ["Cyber", "AI &amp; ML", " grants ", "&ndash;", "\n", "\t", "a&nbsp;b", "&quot;x&quot;"]
    out = []
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if depth < 3 and choice < 0.5:
            tag = rng.choice(["p", "div", "ul", "li", "strong", "em", "h3", "span", "P"])
            attrs = rng.choice(["", ' class="x"', " style='a:b'", " id=k"])
            inner = _nested_markup(rng, depth + 1)
            out.append(f"<{tag}{attrs}>{inner}</{tag}>")
        elif choice < 0.6:
            out.append(rng.choice(["<br/>", "<br>", "<br />", "<hr>", "<img src='a.png'/>"]))
        else:
            out.append(rng.choice(texts))
    return "".join(out)


def test_well_nested_markup_takes_the_fast_path(monkeypatch):
    fallbacks = []
    monkeypatch.setattr(
        module, "html_to_text_parsed", lambda v: fallbacks.append(v) or html_to_text_parsed(v)
    )
    rng = random.Random(11)
    expected = []
    for _ in range(400):
        value = _nested_markup(rng)
        # As in the extract: HTML escaped once more.
        escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for candidate in (value, escaped):
            expected.append((candidate, html_to_text_parsed(candidate)))
    fallbacks.clear()
    for candidate, text in expected:
        assert html_to_text(candidate) == text, candidate
    assert fallbacks == []  # all of it took the fast path


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Cyber &amp;amp; AI &amp;ndash; FY26 ", "Cyber & AI \u2013 FY26"),
        ("Bits &lt;and&gt; bytes", "Bits <and> bytes"),
        ("   ", None),
        (None, None),
    ],
)
def test_titles_are_unescaped_and_trimmed_but_not_parsed(value, text):
    assert unescape_text(value) == text
