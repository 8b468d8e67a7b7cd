"""Replay a recorded Google response instead of calling Google (`collect … --load FILE`).

The file holds what Google returned: one response, or a list of pages. Only parse and save run;
nothing goes over the network.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from seo_monitor.errors import UserError

REPLAYABLE = ("reviews", "metrics")


class ReplayClient:
    """Stands in for GoogleClient with recorded pages (same method names, no network)."""

    total_calls = 0
    # A recorded file may hold only some pages or some reviews: what it lacks is not gone.
    lists_everything = False

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages

    @classmethod
    def from_file(cls, path: Path) -> ReplayClient:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"cannot read recorded response {path}: {exc}") from None
        pages = data if isinstance(data, list) else [data]
        if not pages or not all(isinstance(page, dict) for page in pages):
            raise UserError(f"{path}: expected a Google API response object or a list of them")
        return cls(pages)

    def _page(self, page_token: str | None) -> dict[str, Any]:
        index = int(page_token or 0)
        page = dict(self.pages[index])
        page.pop("nextPageToken", None)
        if index + 1 < len(self.pages):
            page["nextPageToken"] = str(index + 1)
        return page

    def list_reviews(self, parent: str, page_token: str | None = None) -> dict[str, Any]:
        return self._page(page_token)

    def fetch_daily_metrics(
        self, location: str, metrics: list[str], start: date, end: date
    ) -> dict[str, Any]:
        return self._page(None)
