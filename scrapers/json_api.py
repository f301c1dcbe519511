"""What the Grants.gov and simpler.grants.gov clients share: a JSON API behind a paced session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

# The statuses a funding search asks for unless told otherwise: what can still be applied for.
OPEN_STATUSES: tuple[str, ...] = ("forecasted", "posted")


@dataclass(frozen=True)
class FundingQuery:
    """One funding search, as both APIs take it: words, assistance listings, statuses.

    Empty parts ask for nothing; each API's client turns the rest into its own body.
    """

    text: str | None = None
    alns: tuple[str, ...] = ()
    statuses: tuple[str, ...] = OPEN_STATUSES


class JsonSession(Protocol):
    """The part of :class:`scrapers.http.PoliteSession` the clients use."""

    def post_json(self, url: str, json: Any = ..., **kwargs: Any) -> Any: ...


class JsonApiClient:
    """A JSON API at ``base_url``, reached through a paced session."""

    def __init__(self, session: JsonSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")

    def post(self, path: str, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        """POST ``body`` as JSON to ``path`` below the base URL and decode the answer."""
        return self.session.post_json(f"{self.base_url}{path}", json=body, headers=headers)
