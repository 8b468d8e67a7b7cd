"""Configuration: the settings model, loading it (TOML + SEO_MONITOR_* + secret files) and the
commented example written from it. Callers import from here, not from the modules inside."""

from seo_monitor.config.loading import (
    config_path,
    environment_with_config,
    load_settings,
    masked_settings,
)
from seo_monitor.config.settings import (
    POSTER_LANGUAGES,
    AlertSettings,
    LocationSettings,
    ProfileField,
    RankingSettings,
    ReportSettings,
    SchedulerSettings,
    Section,
    Settings,
    is_loopback,
    is_secret,
    listing_url,
    section_models,
    table_list_models,
)
from seo_monitor.config.template import render_example_config

__all__ = [
    "POSTER_LANGUAGES",
    "AlertSettings",
    "LocationSettings",
    "ProfileField",
    "RankingSettings",
    "ReportSettings",
    "SchedulerSettings",
    "Section",
    "Settings",
    "config_path",
    "environment_with_config",
    "is_loopback",
    "is_secret",
    "listing_url",
    "load_settings",
    "masked_settings",
    "render_example_config",
    "section_models",
    "table_list_models",
]
