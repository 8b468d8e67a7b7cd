"""The Business Profile fields the guard watches, their labels, and how Google's field masks
(`diffMask`, `pendingMask` of `locations.getGoogleUpdated`) name them."""

from __future__ import annotations

from typing import Any

# field -> label, in the order a person reads a profile
WATCHED = {
    "title": "Name",
    "primary_category": "Primary category",
    "additional_categories": "Additional categories",
    "phone": "Phone",
    "additional_phones": "Other phones",
    "website": "Website",
    "address": "Address",
    "service_area": "Service area",
    "map_position": "Map pin",
    "regular_hours": "Hours",
    "special_hours": "Special hours",
    "description": "Description",
    "open_status": "Open or closed",
}
# The Location fields that carry them: the read mask of the locations sync and of
# getGoogleUpdated.
WATCHED_MASK = (
    "title,categories,phoneNumbers,websiteUri,storefrontAddress,serviceArea,latlng,"
    "regularHours,specialHours,profile,openInfo"
)
# How each field is read, where that changed since the guard first shipped: a state kept by
# an older reading is not compared with the new one (that would be a change no one made).
READINGS = {"service_area": 2}  # 2: with the business type and the region
READINGS_KEY = "_readings"  # where a state keeps them, beside its fields


def comparable(kept: dict[str, Any]) -> dict[str, Any]:
    """The fields of a kept state read the way the guard reads them now."""
    readings = kept.get(READINGS_KEY) or {}
    return {
        f: v for f, v in kept.items() if f in WATCHED and readings.get(f, 1) == READINGS.get(f, 1)
    }


# A mask path's first part -> the fields it covers; a longer path may narrow it down.
BY_MASK_ROOT = {
    "title": ("title",),
    "categories": ("primary_category", "additional_categories"),
    "phoneNumbers": ("phone", "additional_phones"),
    "websiteUri": ("website",),
    "storefrontAddress": ("address",),
    "serviceArea": ("service_area",),
    "latlng": ("map_position",),
    "regularHours": ("regular_hours",),
    "specialHours": ("special_hours",),
    "profile": ("description",),
    "openInfo": ("open_status",),
}
BY_MASK_PATH = {
    "categories.primaryCategory": ("primary_category",),
    "categories.additionalCategories": ("additional_categories",),
    "phoneNumbers.primaryPhone": ("phone",),
    "phoneNumbers.additionalPhones": ("additional_phones",),
}
OPEN_STATUS = {
    "OPEN": "open",
    "CLOSED_TEMPORARILY": "temporarily closed",
    "CLOSED_PERMANENTLY": "permanently closed",
}


def fields_in_mask(mask: str) -> set[str]:
    """The watched fields a field mask ("phoneNumbers.primaryPhone,regularHours") names;
    paths of fields the guard does not watch are left out."""
    found: set[str] = set()
    for path in (p.strip() for p in mask.split(",") if p.strip()):
        two = ".".join(path.split(".")[:2])
        found.update(BY_MASK_PATH.get(two) or BY_MASK_ROOT.get(path.split(".")[0], ()))
    return found


def shown(field: str, value: Any) -> str:
    """A field's value as a person reads it."""
    if value is None or value == []:
        return "(none)"
    if field == "open_status":
        return OPEN_STATUS.get(str(value), str(value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
