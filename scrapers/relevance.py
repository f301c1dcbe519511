"""Is a funding opportunity about what we look for? ALNs first, then whole-word keywords."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache

from scrapers.records import FundingRecord


@lru_cache(maxsize=64)
def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any keyword as whole words.

    Words of a phrase may be separated by any run of spaces or hyphens, so "cyber security"
    also finds "cyber-security" and a phrase broken across lines. Word edges are checked with
    lookarounds rather than ``\\b`` so keywords ending in punctuation still work.
    """
    alternatives = []
    for keyword in keywords:
        words = keyword.split()
        if words:
            alternatives.append(r"[\s\-]+".join(re.escape(word) for word in words))
    if not alternatives:
        return None
    # Longest first: the alternation then prefers "cyber security" over "cyber".
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def relevant(record: FundingRecord, alns: Collection[str], keywords: Sequence[str]) -> bool:
    """True when the record carries one of ``alns`` or a keyword in its title or description."""
    if alns and any(aln in alns for aln in record.assistance_listings):
        return True
    pattern = keyword_pattern(tuple(keywords))
    if pattern is None:
        return False
    return any(
        text is not None and pattern.search(text) is not None
        for text in (record.title, record.description)
    )
