"""CSV exports open in a spreadsheet as the text they hold, never as formulas."""

from __future__ import annotations

import csv
import io

import pytest

from seo_monitor.csv_export import csv_text


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/","Click")',
            '\'=HYPERLINK("http://evil.example/","Click")',
        ),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Great care = great staff", "Great care = great staff"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (4.5, "4.5"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(
    cell: object, written: str
) -> None:
    text = csv_text(["a", "b"], [{"a": cell, "b": "x"}, [cell, "y"]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["a", "b"], [written, "x"], [written, "y"]]
