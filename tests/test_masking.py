"""Secrets never appear in a printed URL, wherever they sit in it."""

from __future__ import annotations

import pytest

from seo_monitor.masking import mask_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://seo:S3cret@db:5432/seo", "postgresql+psycopg://seo:***@db:5432/seo"),
        (
            "postgresql+psycopg://seo@db/seo?password=S3cret",
            "postgresql+psycopg://seo@db/seo?password=***",
        ),
        (
            "postgresql://db/seo?sslmode=require&PASSWORD=S3cret",
            "postgresql://db/seo?sslmode=require&PASSWORD=***",
        ),
        (
            "https://serp.example/v1?q=pt&api_key=S3cret&hl=en",
            "https://serp.example/v1?q=pt&api_key=***&hl=en",
        ),
        ("https://x.example/?key=S3cret", "https://x.example/?key=***"),
        (
            "https://x.example/?pass=a&pwd=b&token=c&secret=d",
            "https://x.example/?pass=***&pwd=***&token=***&secret=***",
        ),
        ("https://x.example/?access_token=S3cret", "https://x.example/?access_token=***"),
        (
            "https://x.example/?client_secret=S3cret&sslpassword=S3cret",
            "https://x.example/?client_secret=***&sslpassword=***",
        ),
        ("https://x.example/?api%5Fkey=S3cret", "https://x.example/?api%5Fkey=***"),
        ("https://x.example/#access_token=S3cret", "https://x.example/#access_token=***"),
        ("https://u:p%40ss@x.example/a?b=1", "https://u:***@x.example/a?b=1"),
        (
            "https://me@x.example/?monkey=1&keyboard=2",
            "https://me@x.example/?monkey=1&keyboard=2",
        ),
        ("sqlite:////srv/data/seo-monitor.db", "sqlite:////srv/data/seo-monitor.db"),
        (
            "https://x.example/?x-api-key=S3cret&apikey=S3cret",
            "https://x.example/?x-api-key=***&apikey=***",
        ),
        ("https://[::1/?password=S3cret", "https:***"),
    ],
)
def test_every_secret_in_a_url_is_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    assert "S3cret" not in mask_url(url)
