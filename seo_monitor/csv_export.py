"""CSV files the product writes (reply log exports, dashboard downloads), safe to open in a
spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel, LibreOffice
and Google Sheets: a reviewer's name or a reply such as `=HYPERLINK("http://evil.example/")`
would run when the file is opened. Such cells get a leading apostrophe, the prefix spreadsheets
themselves use for "this is text" (OWASP, "CSV Injection"). Numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet shows it as text: '=1+1 for =1+1; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> str:
    """A CSV document: the header line, then one line per row (a mapping by column name, or a
    sequence in header order), every text cell neutralised with `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        cells = [row.get(name) for name in header] if isinstance(row, Mapping) else list(row)
        writer.writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()
