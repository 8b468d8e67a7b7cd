"""The profile fields the profile guard watches, read from a Business Information `Location`,
and Google's own version of a location (`locations.getGoogleUpdated`).

Each field becomes a short text or a sorted list of texts, the way a person compares them:
"Mon 08:00-18:00", "2026-12-24 closed", "1200 S Lamar Blvd, Austin TX 78704". A field Google
did not send is empty (Google leaves empty fields out of its answers).
"""

from __future__ import annotations

from typing import Any

from collectors import fields
from collectors.google_client import GoogleClient
from seo_monitor.profile_guard import WATCHED_MASK, fields_in_mask

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
BUSINESS_TYPES = {  # ServiceAreaBusiness.businessType
    "CUSTOMER_LOCATION_ONLY": "at customers' locations only (no storefront shown)",
    "CUSTOMER_AND_BUSINESS_LOCATION": "at customers' locations and the storefront",
}
TEXT_LIMIT = 1_000  # longer than any field Google allows (the description: 750)


def watched_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Every watched field of this Location (see seo_monitor/profile_guard/fields.py).

    Google's JSON leaves empty fields out, and the locations sync always asks for every
    watched field (`WATCHED_MASK`), so a field absent from the answer is empty: a removed
    website, description, special hours, pin or other phone, or a hidden storefront address
    is read as `None` or `[]` and so is a change."""
    raw = fields.obj(raw)

    def part(key: str) -> dict[str, Any]:
        return fields.obj(raw.get(key))

    return {
        "title": fields.line(raw.get("title"), TEXT_LIMIT),
        **_categories(part("categories")),
        **_phones(part("phoneNumbers")),
        "website": fields.line(raw.get("websiteUri"), TEXT_LIMIT),
        "address": _address(part("storefrontAddress")),
        "service_area": _service_area(part("serviceArea")),
        "map_position": _position(part("latlng")),
        "regular_hours": _hours(part("regularHours")),
        "special_hours": _special(part("specialHours")),
        "description": fields.line(part("profile").get("description"), TEXT_LIMIT),
        "open_status": fields.line(part("openInfo").get("status"), 40),
    }


def _categories(raw: dict[str, Any]) -> dict[str, Any]:
    primary = fields.line(fields.obj(raw.get("primaryCategory")).get("displayName"), 300)
    others = {
        name
        for item in fields.items(raw.get("additionalCategories"))
        if (name := fields.line(fields.obj(item).get("displayName"), 300))
    }
    return {"primary_category": primary, "additional_categories": sorted(others)}


def _phones(raw: dict[str, Any]) -> dict[str, Any]:
    others = {
        p for item in fields.items(raw.get("additionalPhones")) if (p := fields.line(item, 64))
    }
    return {
        "phone": fields.line(raw.get("primaryPhone"), 64),
        "additional_phones": sorted(others),
    }


def _address(raw: dict[str, Any]) -> str | None:
    lines = [
        line for item in fields.items(raw.get("addressLines")) if (line := fields.line(item, 300))
    ]
    town = " ".join(
        part
        for key in ("locality", "administrativeArea", "postalCode")
        if (part := fields.line(raw.get(key), 200))
    )
    return ", ".join([*lines, town] if town else lines) or None


def _service_area(raw: dict[str, Any]) -> list[str]:
    """Whether the storefront is shown too, the country the business is based in, then the
    places served: ["at customers' locations only", "region US", "Austin, TX, USA"]; empty
    for a business without a service area."""
    if not raw:
        return []
    kind = BUSINESS_TYPES.get(str(raw.get("businessType")))
    region = fields.line(raw.get("regionCode"), 10)
    places = fields.obj(raw.get("places")).get("placeInfos")
    names = sorted(
        {
            name
            for item in fields.items(places)
            if (name := fields.line(fields.obj(item).get("placeName"), 300))
        }
    )
    return [*([kind] if kind else []), *([f"region {region}"] if region else []), *names]


def served_places(service_area: list[Any]) -> list[str]:
    """The places of a service area as _service_area keeps it (its kind and region apart)."""
    kinds = set(BUSINESS_TYPES.values())
    return [
        entry
        for entry in service_area
        if isinstance(entry, str) and entry not in kinds and not entry.startswith("region ")
    ]


def _position(raw: dict[str, Any]) -> str | None:
    latitude, longitude = fields.number(raw.get("latitude")), fields.number(raw.get("longitude"))
    if latitude is None or longitude is None:
        return None
    return f"{latitude:.5f}, {longitude:.5f}"  # about a metre: a moved pin, not float noise


def _time(raw: Any) -> str:
    time = fields.obj(raw)
    return (
        f"{fields.whole(time.get('hours')) or 0:02d}:{fields.whole(time.get('minutes')) or 0:02d}"
    )


def _hours(raw: dict[str, Any]) -> list[str]:
    """One text a period, Monday first: "Mon 08:00-18:00" (a night shift: "Fri 22:00-Sat 06:00")."""
    periods = []
    for item in fields.items(raw.get("periods")):
        period = fields.obj(item)
        opens, closes = str(period.get("openDay")), str(period.get("closeDay"))
        if opens not in DAYS:
            continue
        close_day = "" if closes == opens or closes not in DAYS else f"{closes[:3].title()} "
        periods.append(
            (
                DAYS.index(opens),
                f"{opens[:3].title()} {_time(period.get('openTime'))}-"
                f"{close_day}{_time(period.get('closeTime'))}",
            )
        )
    return [text for _, text in sorted(periods)]


def _date(raw: Any) -> str | None:
    day = fields.obj(raw)
    parts = [fields.whole(day.get(key)) for key in ("year", "month", "day")]
    if any(part is None for part in parts):
        return None
    year, month, date = parts
    return f"{year:04d}-{month:02d}-{date:02d}"


def _special(raw: dict[str, Any]) -> list[str]:
    """One text a day: "2026-12-24 closed", "2026-12-31 09:00-12:00"."""
    days = []
    for item in fields.items(raw.get("specialHourPeriods")):
        period = fields.obj(item)
        start = _date(period.get("startDate"))
        if start is None:
            continue
        end = _date(period.get("endDate"))
        span = f"{start} to {end}" if end and end != start else start
        hours = (
            "closed"
            if period.get("closed") is True
            else f"{_time(period.get('openTime'))}-{_time(period.get('closeTime'))}"
        )
        days.append(f"{span} {hours}")
    return sorted(days)


def fetch_google_updated(client: GoogleClient, name: str) -> tuple[dict[str, Any], list[Any]]:
    """What Google shows for the location where it differs from the owner's data, and the
    owner's own edits still waiting to be published: [field, what Maps and Search show until
    then] pairs, by the guard's field names."""
    answer = fields.obj(client.google_updated_location(name, WATCHED_MASK))
    live = watched_fields(fields.obj(answer.get("location")))
    differs = fields_in_mask(fields.line(answer.get("diffMask"), 2_000) or "")
    pending = fields_in_mask(fields.line(answer.get("pendingMask"), 2_000) or "")
    return (  # a difference the owner's own edit in flight explains is no Google update
        {field: live.get(field) for field in sorted(differs - pending)},
        [[field, live.get(field)] for field in sorted(pending)],
    )
