"""Accounts and their locations from Account Management and Business Information v1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collectors.google_client import GoogleClient, pages
from seo_monitor.db import rows_changed, upsert
from seo_monitor.errors import MalformedRecord
from seo_monitor.models import Account, Location

READ_MASK = (
    "name,title,storeCode,storefrontAddress,phoneNumbers,websiteUri,categories,"
    "latlng,openInfo,metadata"
)
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
    name = raw.get("name")
    if not isinstance(name, str) or not name.startswith("accounts/"):
        raise MalformedRecord("account without a valid name")
    return {"name": name, "account_name": raw.get("accountName"), "type": raw.get("type")}


def parse_location(raw: dict[str, Any]) -> dict[str, Any]:
    """A Business Information Location as a `locations` row (without account_id)."""
    name, title = raw.get("name"), raw.get("title")
    if not isinstance(name, str) or not name.startswith("locations/") or not isinstance(title, str):
        raise MalformedRecord("location without a valid name or title")
    address = _dict(raw.get("storefrontAddress"))
    metadata = _dict(raw.get("metadata"))
    latlng = _dict(raw.get("latlng"))
    category = _dict(_dict(raw.get("categories")).get("primaryCategory"))
    return {
        "name": name,
        "title": title[:500],
        "store_code": raw.get("storeCode"),
        "address_lines": [str(line) for line in address.get("addressLines") or []],
        "locality": address.get("locality"),
        "region": address.get("administrativeArea"),
        "postal_code": address.get("postalCode"),
        "country": address.get("regionCode"),
        "phone": _dict(raw.get("phoneNumbers")).get("primaryPhone"),
        "website": raw.get("websiteUri"),
        "place_id": metadata.get("placeId"),
        "maps_uri": metadata.get("mapsUri"),
        "new_review_uri": metadata.get("newReviewUri"),
        "latitude": _number(latlng.get("latitude")),
        "longitude": _number(latlng.get("longitude")),
        "primary_category": category.get("displayName"),
        "open_status": _dict(raw.get("openInfo")).get("status"),
    }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


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


def collect_locations(client: GoogleClient, session: Session, now: datetime) -> dict[str, int]:
    accounts, skipped = [], 0
    by_account: dict[str, list[dict[str, Any]]] = {}
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
                by_account[account["name"]].append(parse_location(raw))
            except MalformedRecord:
                skipped += 1
    counts = save_locations(session, accounts, by_account, now)
    counts["skipped"] = skipped
    return counts
