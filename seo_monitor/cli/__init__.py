"""The `seo-monitor` command line. Each command builds the settings once and passes them down."""

from seo_monitor.cli import collect, dashboard, sandbox, schedule, setup
from seo_monitor.cli.app import cli, main

__all__ = ["cli", "collect", "dashboard", "main", "sandbox", "schedule", "setup"]
