"""Does a page show the clinic as Google does? Tolerant matching of name, address and phone, and
schema.org reading (JSON-LD and microdata): shared by the website audit and anything else that
compares a web page with the Google profile."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from bs4 import BeautifulSoup

LOCAL_TYPES = {
    "LocalBusiness",
    "MedicalBusiness",
    "MedicalClinic",
    "Physiotherapy",
    "Dentist",
    "Chiropractor",
    "Physician",
    "MedicalOrganization",
    "HealthAndBeautyBusiness",
    "Optician",
}
ABBREVIATIONS = {
    "street": "st",
    "avenue": "ave",
    "boulevard": "blvd",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "suite": "ste",
    "#": "ste",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "parkway": "pkwy",
    "highway": "hwy",
    "court": "ct",
    "place": "pl",
}


# A suite or unit in a normalised address ("ste 210", "unit 4b", "fl 3").
UNIT = re.compile(r"\b(?:ste|unit|apt|fl|floor|rm|room|bldg) [a-z0-9]+\b")
UNIT_NAMES = {"ste": "Suite", "apt": "Apt", "fl": "Floor", "rm": "Room", "bldg": "Building"}


@dataclass(frozen=True)
class Profile:
    """What Google's profile says (the stored location)."""

    name: str | None = None
    address_lines: tuple[str, ...] = ()
    city: str | None = None
    phone: str | None = None
    region: str = "US"
    other_phones: tuple[str, ...] = ()  # the profile's additional phones (call tracking…)


def normalise_address(text: str) -> str:
    """Lower case, words only, usual abbreviations: "1200 Barton Springs Road, Suite #210" and
    "1200 Barton Springs Rd. Ste 210" both read "1200 barton springs rd ste 210"."""
    words: list[str] = []
    for word in re.findall(r"#|[a-z0-9]+", text.lower()):
        word = ABBREVIATIONS.get(word, word)
        if not (word == "ste" and words and words[-1] == "ste"):  # "Suite #210"
            words.append(word)
    return " ".join(words)


def shows_address_line(text: str, line: str) -> bool:
    """Whether `text` shows an address line as whole words, house or suite number included:
    "200 Main St" is not shown by "1200 Main St", nor "Suite 21" by "Suite 210"."""
    wanted = normalise_address(line)
    return bool(wanted) and f" {wanted} " in f" {normalise_address(text)} "


@dataclass(frozen=True)
class AddressMatch:
    """How a text shows Google's address."""

    street: bool  # the street with its house number, as whole words
    missing: tuple[str, ...] = ()  # Google's suite or other lines the text does not show
    other_unit: str | None = None  # the suite or unit the text gives the street instead


def match_address(text: str, lines: Sequence[str]) -> AddressMatch:
    """Google's address lines (`Location.address_lines`) against a text: the website audit and
    the listings check compare addresses this one way. The street (the first line without a
    suite in it) must be shown as whole words, so "1200 Main St" never matches "200 Main St";
    a suite or unit right after the street must be Google's; Google's suite and other lines
    shown anywhere count."""
    lines = [line for line in lines if normalise_address(line)]
    if not lines:
        return AddressMatch(street=True)
    page = f" {normalise_address(text)} "
    first = normalise_address(lines[0])
    units = [m.group(0) for line in lines for m in UNIT.finditer(normalise_address(line))]
    street = " ".join(UNIT.sub(" ", first).split())
    missing = [_unit_text(u) for u in units if f" {u} " not in page]
    missing += [
        line
        for line in lines[1:]
        if not UNIT.fullmatch(normalise_address(line))
        and f" {normalise_address(line)} " not in page
    ]
    following = re.findall(rf" {re.escape(street)} ({UNIT.pattern}) ", page) if street else []
    other = next((u for u in following if u not in units), None)
    return AddressMatch(
        street=bool(street) and f" {street} " in page,
        missing=tuple(dict.fromkeys(missing)),
        other_unit=_unit_text(other) if other and not set(units) & set(following) else None,
    )


def _unit_text(unit: str) -> str:
    kind, _, number = unit.partition(" ")
    return f"{UNIT_NAMES.get(kind, kind.title())} {number.upper()}"


def same_city(shown: str, google: str) -> bool:
    return normalise_address(shown) == normalise_address(google)


def phones_in(text: str, region: str) -> set[str]:
    found = set()
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        found.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found


def parses_as_phone(number: str, region: str) -> bool:
    try:
        phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return True


def structured_data(
    soup: BeautifulSoup, unreadable: list[str] | None = None
) -> list[dict[str, Any]]:
    """schema.org items from JSON-LD and microdata, as dicts with @type; JSON-LD blocks nested
    too deeply to read are skipped and named in `unreadable`."""
    items: list[dict[str, Any]] = []
    for script in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            data = json.loads(script.string or "")
        except json.JSONDecodeError:
            continue
        except RecursionError:  # hostile or broken markup: thousands of nested arrays
            if unreadable is not None:
                unreadable.append("nested too deeply")
            continue
        graph = data.get("@graph", [data]) if isinstance(data, dict) else data
        items += (
            [entry for entry in graph if isinstance(entry, dict)] if isinstance(graph, list) else []
        )
    for scope in soup.find_all(itemscope=True, itemtype=True):
        micro: dict[str, Any] = {"@type": str(scope["itemtype"]).rstrip("/").rsplit("/", 1)[-1]}
        for prop in scope.find_all(itemprop=True):
            micro.setdefault(
                str(prop["itemprop"]), prop.get("content") or prop.get_text(" ", strip=True)
            )
        items.append(micro)
    return items


def schema_types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    return set(kind) if isinstance(kind, list) else {str(kind)}
