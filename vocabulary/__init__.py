"""Vocabulary several layers share: code lists and small text checks.

`scrapers/`, `matching/` and `app/` all import from here, so nothing here imports any of them
(or Flask); tests/test_architecture.py holds that. What belongs here is meaning the layers must
agree on (Grants.gov code lists, what counts as a plain number). Nothing source-specific: a
helper only one scraper or one page needs stays with it.
"""
