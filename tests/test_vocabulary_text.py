"""Text checks several layers share: what counts as a plain number."""

from vocabulary.text import is_ascii_digits


def test_only_ascii_digits_count_as_digits():
    assert is_ascii_digits("2210") and is_ascii_digits("0")
    # str.isdigit() says yes to each of these; int() refuses the first.
    assert not any(is_ascii_digits(t) for t in ["\u00b2", "\u0661\u0662", "\uff11", "", "1.5"])
