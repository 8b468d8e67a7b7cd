"""The shape of the product's code, from one pass over its syntax trees: how long functions are
(median, 90th percentile, the longest) and which modules are over 400 lines.

    python -m bench.code_shape [ROOT]

Migrations are left out: they are generated, frozen history.
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path

PACKAGES = ("seo_monitor", "collectors", "dashboard", "qr")
LONG_MODULE = 400


def function_lengths(root: Path) -> list[tuple[int, str]]:
    lengths = []
    for path in source_files(root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                where = f"{path.relative_to(root).as_posix()}:{node.name}"
                lengths.append((node.end_lineno - node.lineno + 1, where))
    return lengths


def long_modules(root: Path) -> list[tuple[int, str]]:
    counted = [
        (len(path.read_text(encoding="utf-8").splitlines()), path.relative_to(root).as_posix())
        for path in source_files(root)
    ]
    return sorted((item for item in counted if item[0] > LONG_MODULE), reverse=True)


def source_files(root: Path) -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        if "migrations/versions" not in path.as_posix()
    ]


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    lengths = function_lengths(root)
    sizes = sorted(size for size, _ in lengths)
    longest = max(lengths)
    print(
        f"{len(sizes)} functions: median {statistics.median(sizes):g} lines, "
        f"p90 {sizes[int(0.9 * len(sizes))]}, longest {longest[0]} ({longest[1]})"
    )
    print(f"modules over {LONG_MODULE} lines:")
    for lines, where in long_modules(root):
        print(f"  {where}: {lines}")


if __name__ == "__main__":
    main()
