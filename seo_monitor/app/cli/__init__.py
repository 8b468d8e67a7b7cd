"""The `seo-monitor` command line. Each command builds the settings once and passes them down."""

from seo_monitor.app.cli import (
    alerts,
    collect,
    dashboard,
    listings,
    profile,
    qr,
    rankings,
    referrals,
    replies,
    report,
    requests,
    sandbox,
    schedule,
    setup,
    website,
)
from seo_monitor.app.cli.app import cli, main

__all__ = [
    "alerts",
    "cli",
    "collect",
    "dashboard",
    "listings",
    "main",
    "profile",
    "qr",
    "rankings",
    "referrals",
    "replies",
    "report",
    "requests",
    "sandbox",
    "schedule",
    "setup",
    "website",
]
