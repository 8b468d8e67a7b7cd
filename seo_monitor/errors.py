"""Errors a user can act on: the CLI prints the message (no traceback) and exits with status 2."""


class UserError(Exception):
    """Bad input or environment; the message says what is wrong and how to fix it."""


class ConfigError(UserError):
    """The configuration file or environment holds a value seo-monitor cannot use."""


class DatabaseUnavailable(UserError):
    """The configured database cannot be reached or opened."""


class CollectorError(Exception):
    """A collector could not finish. `permanent` errors need a person (the hint says what to do);
    the others are expected to clear by the next run. `affects_all` errors (one API's access: not
    enabled, quota 0, a scope not granted) would fail the same way for every location, so that
    collector stops at the first; `every_collector` errors (the Google connection itself: a
    refused or dead token) stop every collector of the run."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        hint: str | None = None,
        affects_all: bool = False,
        every_collector: bool = False,
        no_access: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.hint = hint
        self.affects_all = affects_all or every_collector
        self.every_collector = every_collector
        # Google answered "no permission on this resource" (not a missing scope or a
        # disabled API): a caller with another name for the resource may try it.
        self.no_access = no_access


class MalformedRecord(ValueError):
    """One record in an API response cannot be used; it is skipped and counted."""
