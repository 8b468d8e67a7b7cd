"""The profile guard: changes to each Business Profile's watched fields, seen at every
locations sync, and the values Google shows instead of the owner's (its "Google updates")."""

from seo_monitor.profile_guard.fields import (
    WATCHED,
    WATCHED_MASK,
    fields_in_mask,
    shown,
)

__all__ = ["WATCHED", "WATCHED_MASK", "fields_in_mask", "shown"]
