"""A listing against the Google profile: the same name, address and phone, with the website
audit's tolerance (abbreviations, punctuation, phone formats, a clinic's "- Location" suffix).

A field the listing does not show at all is no mismatch when the page has schema.org markup
(the directory chose what to mark up); on a page read as text, a name or street that cannot be
found is reported, since it is what a patient would not find either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from rapidfuzz import fuzz

from seo_monitor.listings.reading import ListingFacts, names_clinic, profile_phones
from seo_monitor.website.matching import Profile, match_address, same_city

NAME_SIMILARITY = 90  # rapidfuzz token_set_ratio: word order and extra words forgiven
LEGAL_SUFFIXES = re.compile(r"\b(llc|pllc|inc|pc|pa|ltd|co|corp)\b")
NOT_SHOWN = "(not on the page)"
Differs = Callable[[str, str, str], None]  # (field, the listing's value, Google's)


@dataclass(frozen=True)
class Verdict:
    status: str  # consistent, mismatch, unreadable
    shown: dict[str, Any] = field(default_factory=dict)  # what the listing says, by field
    mismatches: list[dict[str, str]] = field(default_factory=list)


def normalise_name(name: str) -> str:
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and "))
    return " ".join(LEGAL_SUFFIXES.sub(" ", words).split())


def same_name(listing: str, google: str) -> bool:
    """The practice's name with or without Google's "- South Lamar" location suffix."""
    wanted = {normalise_name(google), normalise_name(google.split(" - ")[0])}
    found = normalise_name(listing)
    return any(fuzz.token_set_ratio(found, name) >= NAME_SIMILARITY for name in wanted if name)


def compare(facts: ListingFacts, profile: Profile) -> Verdict:
    """The listing against the profile; on a page listing several clinics, the entry showing
    the profile's phone or street (else the page's first)."""
    facts = next((b for b in facts.branches if names_clinic(b, profile)), facts)
    shown: dict[str, Any] = {}
    mismatches: list[dict[str, str]] = []

    def differs(name: str, listing: str, google: str) -> None:
        mismatches.append({"field": name, "listing": listing, "google": google})

    _name(facts, profile, shown, differs)
    _address(facts, profile, shown, differs)
    _phone(facts, profile, shown, differs)
    if not shown:
        return Verdict("unreadable")
    return Verdict("mismatch" if mismatches else "consistent", shown, mismatches)


def _name(facts: ListingFacts, profile: Profile, shown: dict[str, Any], differs: Differs) -> None:
    if not profile.name or facts.provider:
        return
    if facts.structured and facts.name:
        shown["name"] = facts.name
        if not same_name(facts.name, profile.name):
            differs("name", facts.name, profile.name)
    elif not facts.structured:
        practice = profile.name.split(" - ")[0]
        if normalise_name(practice) in normalise_name(facts.text):
            shown["name"] = practice
        elif facts.phones:  # the page is about someone: just not under this name
            differs("name", NOT_SHOWN, profile.name)


def _address(
    facts: ListingFacts, profile: Profile, shown: dict[str, Any], differs: Differs
) -> None:
    """The street with its house number shown as whole words, no other suite given after it,
    and the same city where the listing names one. A listing that leaves the suite out is
    no mismatch (many directories have no field for it)."""
    if not profile.address_lines:
        return  # a service-area business shows no address on Google either
    lines = profile.address_lines
    google = ", ".join([*lines, *([profile.city] if profile.city else [])])
    if facts.address:
        shown["address"] = facts.address
        found = match_address(facts.address, lines)
        other_city = facts.city and profile.city and not same_city(facts.city, profile.city)
        if not found.street or found.other_unit or other_city:
            differs("address", facts.address, google)
    elif not facts.structured:
        found = match_address(facts.text, lines)
        if found.street and found.other_unit:
            shown["address"] = f"the same street, {found.other_unit}"
            differs("address", shown["address"], google)
        elif found.street:
            shown["address"] = ", ".join(lines)
        elif facts.phones or "name" in shown:
            differs("address", NOT_SHOWN, google)


def _phone(facts: ListingFacts, profile: Profile, shown: dict[str, Any], differs: Differs) -> None:
    """The listing shows the profile's phone or one of its additional phones (a call-tracking
    number, a second line)."""
    wanted = profile_phones(profile)
    if not wanted or not facts.phones:
        return
    shown["phone"] = ", ".join(sorted(_national(p, profile.region) for p in facts.phones))
    if not wanted & facts.phones:
        google = ", ".join(p for p in (profile.phone, *profile.other_phones) if p)
        differs("phone", shown["phone"], google)


def _national(e164: str, region: str) -> str:
    number = phonenumbers.parse(e164, region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
