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
MAX_DEPTH = 64  # Google's responses nest about six levels; deeper would strain the savers


def nesting_over(data: Any, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False


class ReplayClient:
    """Stands in for GoogleClient with recorded pages (same method names, no network)."""

    total_calls = 0
    # A recorded file may hold only some pages or some reviews: what it lacks is not gone.
    lists_everything = False
    recorded = True  # nothing here can be asked about replies

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages

    @classmethod
    def from_file(cls, path: Path) -> ReplayClient:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"cannot read recorded response {path}: {exc}") from None
        except RecursionError:
            data = None  # thousands of nested arrays: said below, like any over-deep file
        if data is None or nesting_over(data, MAX_DEPTH):
            raise UserError(
                f"{path}: nested more than {MAX_DEPTH} levels deep; not a Google API response"
            )
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
