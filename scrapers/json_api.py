"""What the Grants.gov and simpler.grants.gov clients share: a JSON API behind a paced session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

# The statuses a funding search asks for unless told otherwise: what can still be applied for.
OPEN_STATUSES: tuple[str, ...] = ("forecasted", "posted")


class JsonSession(Protocol):
    """The part of :class:`scrapers.http.PoliteSession` the clients use."""

    def post_json(
        self, url: str, json: Any = ..., headers: Mapping[str, str] | None = ...
    ) -> Any: ...


class JsonApiClient:
    """A JSON API at ``base_url``, reached through a paced session."""

    def __init__(self, session: JsonSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url.rstrip("/")

    def post(self, path: str, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        """POST ``body`` as JSON to ``path`` below the base URL and decode the answer."""
        return self.session.post_json(f"{self.base_url}{path}", json=body, headers=headers)
