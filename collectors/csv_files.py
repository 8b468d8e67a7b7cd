"""Exports a person brings in (reviews from other sites, referrals, visits): CSV files read the
same careful way.

Only a regular file under the size limit is read at all (a FIFO or a device such as /dev/zero
is refused before the first byte), as a stream of lines, never whole; a file that grows past
the limit while it is read stops. Headers are recognised by the names exports commonly use
(case, spaces and punctuation do not matter), a person can name the column for a field
(`--map field=Column`), and every column that is no field is left unread: its cells are never
kept. Callers check every row first and import nothing when any row is unusable.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from seo_monitor.errors import UserError

MEGABYTE = 1024 * 1024
EARLIEST = date(1990, 1, 1)  # no practice-management system exported anything before
FUTURE_SLACK = timedelta(days=1)  # time zones move a date by up to a day
NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
SHOWN_PROBLEMS = 20
Row = dict[str, str]  # field -> the cell's text, stripped


@dataclass(frozen=True)
class Layout:
    """What an export holds: its fields, the header names each goes by, which are required."""

    what: str  # "reviews": named in messages
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    limit_setting: str  # the setting that raises the size limit

    def field_of(self, header: str) -> str | None:
        wanted = header_key(header)
        return next(
            (f for f, names in self.columns.items() if wanted in map(header_key, names)), None
        )


def header_key(name: str) -> str:
    """'Patient Account #' and 'patient_account' alike: letters and digits only, lower case."""
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@dataclass
class Export:
    """An export's header, read: which column holds each field, and which columns were left."""

    path: Path
    columns: dict[str, int]
    ignored: list[str] = field(default_factory=list)


def read_export(
    path: Path, max_bytes: int, layout: Layout, overrides: Mapping[str, str] | None = None
) -> tuple[Export, Iterator[tuple[int, Row]]]:
    """The header, and each row's first line number with its cells by field (blank rows left
    out). The rows are read as they are iterated: iterate them to the end to close the file."""
    handle = open_export(path, max_bytes, layout)
    reader = csv.reader(read_lines(path, handle, max_bytes, layout), strict=True)
    try:
        header = _next_row(path, reader, 1)
        while header is not None and not any(cell.strip() for cell in header):
            header = _next_row(path, reader, reader.line_num + 1)  # blank lines before it
        if header is None:
            raise UserError(
                f"{path}: the file is empty, it has no {layout.what}; "
                f"export the {layout.what} again"
            )
        export = _columns(path, header, layout, overrides or {})
    except BaseException:
        handle.close()
        raise
    return export, _rows(path, handle, reader, export)


def _rows(path: Path, handle: BinaryIO, reader: Any, export: Export) -> Iterator[tuple[int, Row]]:
    with handle:
        line = reader.line_num + 1
        while (cells := _next_row(path, reader, line)) is not None:
            if any(cell.strip() for cell in cells):
                yield (
                    line,
                    {
                        name: cells[index].strip() if index < len(cells) else ""
                        for name, index in export.columns.items()
                    },
                )
            line = reader.line_num + 1


def open_export(path: Path, max_bytes: int, layout: Layout) -> BinaryIO:
    """The file, opened for reading, if it is a regular file no larger than `max_bytes`.

    Opened without blocking, so that a FIFO with no writer is refused instead of waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    handle = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        handle.close()
        raise UserError(f"{path}: not a regular file; export the {layout.what} to a .csv file")
    if info.st_size > max_bytes:
        handle.close()
        raise UserError(
            f"{path}: {size_text(info.st_size)} is larger than the {size_text(max_bytes)} limit "
            f"({layout.limit_setting}); split the export or raise the limit"
        )
    return handle


def size_text(count: int) -> str:
    return f"{count / MEGABYTE:.1f} MB" if count >= MEGABYTE // 10 else f"{count} bytes"


def read_lines(path: Path, handle: BinaryIO, max_bytes: int, layout: Layout) -> Iterator[str]:
    """The file's lines as text (UTF-8, BOM dropped, NUL bytes removed: never in an export)."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        for line in text:
            if handle.tell() > max_bytes:  # it grew after it was checked
                raise UserError(
                    f"{path}: grew past the {size_text(max_bytes)} limit while it was read"
                )
            yield line.replace("\x00", "")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} near byte {exc.start}); "
            f"save the {layout.what} export as CSV UTF-8 and try again"
        ) from None


def _next_row(path: Path, reader: Iterator[list[str]], line: int) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            problem = "a quoted field starts here and does not end (a missing closing quote?)"
        elif "field larger than" in str(exc):
            problem = (
                f"a field longer than {csv.field_size_limit()} characters starts here "
                "(a missing closing quote?)"
            )
        else:
            problem = f"not a readable CSV row ({exc})"
        raise UserError(f"{path}: line {line}: {problem}; nothing was imported") from None


def _columns(path: Path, header: list[str], layout: Layout, overrides: Mapping[str, str]) -> Export:
    """Where each field is; two columns for one field are refused, not one silently dropped."""
    _check_overrides(path, header, layout, overrides)
    export = Export(path, {})
    named = {header_key(column): name for name, column in overrides.items()}
    for index, column in enumerate(header):
        key = header_key(column)
        name = named.get(key) or layout.field_of(column)
        if name is None or (name in overrides and header_key(overrides[name]) != key):
            export.ignored.append(column.strip())  # never read: its cells are not kept
            continue
        if name in export.columns:
            raise UserError(
                f"{path}: the columns {header[export.columns[name]]!r} and {column!r} both hold "
                f"the {name}; remove or rename one of them, or say which with --map {name}=COLUMN"
            )
        export.columns[name] = index
    missing = [name for name in layout.required if name not in export.columns]
    if missing:
        accepted = "; ".join(f"{m}: {', '.join(layout.columns[m])}" for m in missing)
        raise UserError(
            f"{path}: no column for {', '.join(missing)}. The file's columns: "
            f"{', '.join(repr(c.strip()) for c in header) or 'none'}. Names recognised: "
            f"{accepted}; or say which column it is with --map {missing[0]}=COLUMN"
        )
    return export


def _check_overrides(
    path: Path, header: list[str], layout: Layout, overrides: Mapping[str, str]
) -> None:
    present = {header_key(column) for column in header}
    for name, column in overrides.items():
        if name not in layout.columns:
            raise UserError(
                f"--map {name}={column}: {name!r} is not a field of the {layout.what} export; "
                f"the fields: {', '.join(layout.columns)}"
            )
        if header_key(column) not in present:
            raise UserError(
                f"{path}: --map {name}={column}: the file has no column {column!r}; its "
                f"columns: {', '.join(repr(c.strip()) for c in header)}"
            )


def refuse(path: Path, problems: list[str]) -> UserError:
    """One error listing the unusable rows (the first SHOWN_PROBLEMS) by line number."""
    shown = "\n".join(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        shown += f"\n… and {len(problems) - SHOWN_PROBLEMS} more"
    return UserError(
        f"{path}: {len(problems)} row(s) cannot be imported; nothing was imported:\n{shown}"
    )


def parse_date(text: str, what: str) -> date:
    """MM/DD/YYYY, M/D/YY or YYYY-MM-DD, with or without a time after it."""
    value = text.strip().split("T")[0].split(" ")[0]
    try:
        if match := ISO_DATE.fullmatch(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := NUMERIC_DATE.fullmatch(value):
            year = int(match[3])
            if len(match[3]) == 2:  # 24 -> 2024; 95 -> 1995
                year += 2000 if year <= date.today().year % 100 + 1 else 1900
            return date(year, int(match[1]), int(match[2]))
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date of the calendar") from None
    raise ValueError(f"{what} {text!r} is not MM/DD/YYYY, M/D/YY or YYYY-MM-DD")


def checked_date(text: str, what: str, today: date) -> date:
    """A date a row must have: on the calendar, not in the future, not before 1990."""
    if not text:
        raise ValueError(f"no {what}")
    day = parse_date(text, what)
    if day < EARLIEST:
        raise ValueError(f"{what} {text!r} is before {EARLIEST.year}")
    if day > today + FUTURE_SLACK:
        raise ValueError(f"{what} {text!r} is in the future")
    return day
