"""The `seo-monitor` command line. Each command builds the settings once and passes them down."""

from seo_monitor.cli import (
    alerts,
    audit,
    collect,
    dashboard,
    qr,
    rankings,
    replies,
    sandbox,
    schedule,
    setup,
)
from seo_monitor.cli.app import cli, main

__all__ = [
    "alerts",
    "audit",
    "cli",
    "collect",
    "dashboard",
    "main",
    "qr",
    "rankings",
    "replies",
    "sandbox",
    "schedule",
    "setup",
]
