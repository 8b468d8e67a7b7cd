"""Errors a user can act on: the CLI prints the message (no traceback) and exits with status 2."""


class UserError(Exception):
    """Bad input or environment; the message says what is wrong and how to fix it."""


class ConfigError(UserError):
    """The configuration file or environment holds a value seo-monitor cannot use."""


class DatabaseUnavailable(UserError):
    """The configured database cannot be reached or opened."""
