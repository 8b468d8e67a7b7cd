"""The `seo-monitor` command line. Each command builds the settings once and passes them down;
a command's module is imported only when that command runs (see `COMMANDS` in app.py)."""

from seo_monitor.app.cli.app import cli, main

__all__ = ["cli", "main"]
