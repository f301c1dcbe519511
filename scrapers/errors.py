"""Errors a source can raise. Each message is one plain line an operator can act on."""

from __future__ import annotations


class ScraperError(Exception):
    """Base class: a source could not be read."""


class PayloadError(ScraperError):
    """A response or file is malformed, truncated, or not the expected kind."""


class SourceError(ScraperError):
    """The source answered with an error (including errors sent with HTTP 200)."""


class ConfigurationError(ScraperError):
    """A required setting (API key, e-mail) is missing."""
