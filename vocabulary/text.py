"""Text checks shared by the parsers, the forms and sign-in."""

from __future__ import annotations


def is_ascii_digits(text: str) -> bool:
    """Only 0-9, at least one: what int() reads as a plain number.

    str.isdigit() alone also says yes to "²" (which int() refuses) and to other scripts'
    digits, which no source or form of ours uses.
    """
    return text.isascii() and text.isdigit()
