"""Accounts and their locations from Account Management and Business Information v1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collectors import fields
from collectors.google_client import GoogleClient, pages
from collectors.profile import fetch_google_updated, watched_fields
from seo_monitor.db import rows_changed, upsert
from seo_monitor.errors import CollectorError, MalformedRecord
from seo_monitor.models import Account, Location, ProfileState
from seo_monitor.profile_guard import WATCHED_MASK

URL_LIMIT = 2_000  # longer is not a link a person could use
# The fields the locations table keeps and the profile guard watches (profile_guard/fields.py).
READ_MASK = f"name,storeCode,metadata,{WATCHED_MASK}"
LOCATION_COLUMNS = (
    "account_id",
    "store_code",
    "title",
    "address_lines",
    "locality",
    "region",
    "postal_code",
    "country",
    "phone",
    "website",
    "place_id",
    "maps_uri",
    "new_review_uri",
    "latitude",
    "longitude",
    "service_area",
    "primary_category",
    "open_status",
    "active",
)


def fetch_accounts(client: GoogleClient) -> Iterator[dict[str, Any]]:
    for page in pages(client.list_accounts):
        yield from page.get("accounts") or []


def fetch_locations(client: GoogleClient, account: str) -> Iterator[dict[str, Any]]:
    for page in pages(lambda token: client.list_locations(account, READ_MASK, token)):
        yield from page.get("locations") or []


def parse_account(raw: dict[str, Any]) -> dict[str, Any]:
    name = fields.line(fields.obj(raw).get("name"), 200)
    if name is None or not name.startswith("accounts/"):
        raise MalformedRecord("account without a valid name")
    return {
        "name": name,
        "account_name": fields.line(raw.get("accountName"), 500),
        "type": fields.line(raw.get("type"), 40),
    }


def parse_location(raw: dict[str, Any]) -> dict[str, Any]:
    """A Business Information Location as a `locations` row (without account_id)."""
    raw = fields.obj(raw)
    name, title = fields.line(raw.get("name"), 200), fields.line(raw.get("title"), 500)
    if name is None or not name.startswith("locations/") or title is None:
        raise MalformedRecord("location without a valid name or title")
    address = fields.obj(raw.get("storefrontAddress"))
    metadata = fields.obj(raw.get("metadata"))
    latlng = fields.obj(raw.get("latlng"))  # only when the owner set the pin
    category = fields.obj(fields.obj(raw.get("categories")).get("primaryCategory"))
    lines = (fields.line(line, 500) for line in fields.items(address.get("addressLines")))
    return {
        "name": name,
        "title": title,
        "store_code": fields.line(raw.get("storeCode"), 200),
        "address_lines": [line for line in lines if line],
        "locality": fields.line(address.get("locality"), 200),
        "region": fields.line(address.get("administrativeArea"), 200),
        "postal_code": fields.line(address.get("postalCode"), 40),
        "country": fields.line(address.get("regionCode"), 8),
        "phone": fields.line(fields.obj(raw.get("phoneNumbers")).get("primaryPhone"), 64),
        "website": fields.line(raw.get("websiteUri"), URL_LIMIT),
        "place_id": fields.line(metadata.get("placeId"), 300),
        "maps_uri": fields.line(metadata.get("mapsUri"), URL_LIMIT),
        "new_review_uri": fields.line(metadata.get("newReviewUri"), URL_LIMIT),
        "latitude": _coordinate(latlng.get("latitude"), 90),
        "longitude": _coordinate(latlng.get("longitude"), 180),
        # No storefront shown: the business goes to its patients (home-visit therapy).
        "service_area": fields.obj(raw.get("serviceArea")).get("businessType")
        == "CUSTOMER_LOCATION_ONLY",
        "primary_category": fields.line(category.get("displayName"), 300),
        "open_status": fields.line(fields.obj(raw.get("openInfo")).get("status"), 40),
    }


def _coordinate(value: Any, limit: float) -> float | None:
    number = fields.number(value)
    return number if number is not None and -limit <= number <= limit else None


def save_locations(
    session: Session,
    accounts: list[dict[str, Any]],
    locations: dict[str, list[dict[str, Any]]],
    now: datetime,
) -> dict[str, int]:
    """Upsert accounts and locations; locations no longer listed become inactive (kept)."""
    upsert(
        session,
        Account,
        [{**a, "first_seen_at": now, "updated_at": now} for a in accounts],
        ["name"],
        update=["account_name", "type"],
        touch={"updated_at": now},
    )
    account_ids = dict(session.execute(select(Account.name, Account.id)).all())
    rows = [
        {
            **row,
            "account_id": account_ids[account],
            "active": True,
            "first_seen_at": now,
            "updated_at": now,
        }
        for account, rows_ in locations.items()
        for row in rows_
    ]
    changed = upsert(
        session, Location, rows, ["name"], update=LOCATION_COLUMNS, touch={"updated_at": now}
    )
    seen = [row["name"] for row in rows]
    gone = rows_changed(
        session,
        update(Location)
        .where(
            Location.account_id.in_([account_ids[a] for a in locations]),
            Location.name.not_in(seen),
            Location.active.is_(True),
        )
        .values(active=False, updated_at=now),
    )
    return {
        "accounts": len(accounts),
        "locations": len(rows),
        "changed": changed,
        "deactivated": gone or 0,
    }


def collect_locations(
    client: GoogleClient, session: Session, now: datetime
) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """Save every account's locations; returns the counts and Google's answer per location
    name, which the profile guard reads next (seo_monitor.app.jobs)."""
    accounts, skipped = [], 0
    by_account: dict[str, list[dict[str, Any]]] = {}
    raw_by_name: dict[str, dict[str, Any]] = {}
    for raw_account in fetch_accounts(client):
        try:
            account = parse_account(raw_account)
        except MalformedRecord:
            skipped += 1
            continue
        accounts.append(account)
        by_account[account["name"]] = []
        for raw in fetch_locations(client, account["name"]):
            try:
                row = parse_location(raw)
            except MalformedRecord:
                skipped += 1
                continue
            by_account[account["name"]].append(row)
            raw_by_name[row["name"]] = raw
    counts = save_locations(session, accounts, by_account, now)
    counts["skipped"] = skipped
    return counts, raw_by_name


@dataclass(frozen=True)
class ProfileView:
    """One location's profile as this sync read it, and what Google shows instead."""

    location: Location
    watched: dict[str, Any]
    google: dict[str, Any]
    pending: list[str]


def read_profiles(
    client: GoogleClient, session: Session, raw_by_name: dict[str, dict[str, Any]]
) -> tuple[list[ProfileView], int]:
    """Each location's watched fields, and Google's updated values (asked only where Google
    says it has updates or the owner's edits are in flight); also how many of those could
    not be read (their last view is kept, the next sync asks again)."""
    views, unread = [], 0
    locations = session.scalars(select(Location).where(Location.name.in_(list(raw_by_name))))
    for location in locations:
        raw = raw_by_name[location.name]
        metadata = fields.obj(fields.obj(raw).get("metadata"))
        state = session.get(ProfileState, location.id)
        google, pending = (state.google, state.pending) if state else ({}, [])
        if metadata.get("hasGoogleUpdated") is True or metadata.get("hasPendingEdits") is True:
            try:
                google, pending = fetch_google_updated(client, location.name)
            except CollectorError as exc:
                if exc.affects_all:
                    raise
                unread += 1
        else:
            google, pending = {}, []
        views.append(ProfileView(location, watched_fields(raw), google, pending))
    return views, unread
