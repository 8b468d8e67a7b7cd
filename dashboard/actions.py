"""What the views write, each through the implementation the CLI uses too; the cached reads
are cleared afterwards so the next page shows the change.

The Google client, the email sender, the poster maker and the listings reader are imported by
the action that uses them: the Reviews page imports this module, and most views post nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import streamlit as st
from sqlalchemy.orm import Session

from dashboard.data import sessions, settings
from seo_monitor.errors import UserError
from seo_monitor.models import Location
from seo_monitor.patient_keys import patient_key, patient_secret
from seo_monitor.queries import select_locations_by_id
from seo_monitor.referrals import log_touch, merge_referrers, rename_referrer, set_referrer_kind
from seo_monitor.replies import ReplyOutcome
from seo_monitor.times import utcnow
from seo_monitor.users import authenticate

if TYPE_CHECKING:
    from qr.requests import Made


def sign_in(username: str, password: str) -> str | None:
    """The user's name for the right password, else None (a right one records the sign-in)."""
    with sessions().begin() as session:
        return authenticate(session, username, password)


def post_reply(review_id: int, text: str, actor: str, override: str | None) -> ReplyOutcome:
    """Check and post through Google (UserError when Google is not connected)."""
    from seo_monitor.app.actions import post_reply_now

    outcome = post_reply_now(settings(), sessions(), review_id, text, actor, override)
    st.cache_data.clear()
    return outcome


def send_test_email(address: str) -> str | None:
    """None when the test email went out, else why not (a bad address, the server's answer)."""
    from seo_monitor.alerts import send_test_email as send

    try:
        problem = send(sessions(), settings(), address)
    except UserError as exc:
        return str(exc)
    st.cache_data.clear()
    return problem


def record_download(location_id: int, made: Made, placement: str) -> None:
    """A download is a print: it goes into review_requests."""
    from qr.requests import record

    with sessions().begin() as session:
        record(session, location_id, made, placement)


def log_referral_touch(referrer_id: int, kind: str, day: date, note: str, actor: str) -> str | None:
    """None when logged, else why not."""
    return _change(lambda s: log_touch(s, referrer_id, kind, day, note, actor, utcnow()))


def merge_referrer(referrer_id: int, into_id: int) -> str | None:
    return _change(lambda s: merge_referrers(s, referrer_id, into_id, utcnow()))


def rename_referrer_to(referrer_id: int, name: str) -> str | None:
    return _change(lambda s: rename_referrer(s, referrer_id, name, utcnow()))


def set_kind_of_referrer(referrer_id: int, kind: str) -> str | None:
    return _change(lambda s: set_referrer_kind(s, referrer_id, kind, utcnow()))


def _change(change: Callable[[Session], object]) -> str | None:
    """Run a change in one transaction; None when done, else the UserError's words."""
    try:
        with sessions().begin() as session:
            change(session)
    except UserError as exc:
        return str(exc)
    st.cache_data.clear()
    return None


def suppress_address(address: str, reason: str, actor: str) -> str | None:
    """No more asks to `address`; None when done, else why not."""
    if "@" not in address:
        return "give the email address"
    from seo_monitor.review_requests.sending import suppress

    key = patient_key(patient_secret(settings()), address.strip().lower())
    return _change(lambda s: suppress(s, key, reason, actor, utcnow()))


def add_listing_of(location_id: int, url: str, actor: str) -> str | None:
    """None when added, else why not (a bad address, one the location has already)."""
    from seo_monitor.listings.store import add_listing

    def add(session: Session) -> None:
        if not add_listing(session, session.get_one(Location, location_id), url, actor):
            raise UserError("this location has that listing already")

    return _change(add)


def remove_listing_by_id(listing_id: int) -> str | None:
    from seo_monitor.listings.store import remove_listing

    return _change(lambda s: remove_listing(s, settings(), listing_id))


def mark_profile_changes_reviewed(change_ids: list[int], actor: str) -> str | None:
    """Mark profile changes as reviewed (the digest lists them no more); None when done, else
    why not."""
    from seo_monitor.profile_guard.store import mark_reviewed

    return _change(lambda s: mark_reviewed(s, change_ids, actor, utcnow()))


def include_configured_listings(ids: tuple[int, ...] | None) -> None:
    """The listings config.toml names, in the database before their first check; the cached
    reads are cleared only when one was added. (Those it no longer names go at the weekly
    check, which runs with the scheduler's config.)"""
    from seo_monitor.listings.store import configured_listings

    config = settings()
    with sessions().begin() as session:
        added = sum(
            configured_listings(session, config, location)
            for location in select_locations_by_id(session, ids)
        )
    if added:
        st.cache_data.clear()
