"""seo-monitor: local SEO and online reputation monitor for healthcare practices."""

__version__ = "0.1.0"
