"""The demo clinics' listings on made-up copies of the directories patients use, in the markup
styles real ones use, served by the sandbox under /listing/<site>/<store code>:

- `healthgrades`: JSON-LD (a MedicalClinic with its rating) — the same name, address and phone;
- `vitals`: microdata of one clinician (a Physician) with the clinic's old phone number;
- `choosept`: plain text, as a professional association's directory (APTA's ChoosePT) prints
  it; every third clinic still shows the address it had before it moved;
- `yelp`: refused to robots by the sandbox's robots.txt;
- `zocdoc`: a bot wall (HTTP 403 "Access denied");
- `apple`: a page built by script, with nothing to read without one.
"""

from __future__ import annotations

import html
import json

from seo_monitor.sandbox.world import SandboxLocation, World

SITES = ("healthgrades", "vitals", "choosept", "yelp", "zocdoc", "apple")
ROBOTS_TXT = "User-agent: *\nDisallow: /listing/yelp/\n"
OLD_PHONE = "(512) 555-0100"
OLD_STREET = "4100 Medical Pkwy"
SCRIPT_ONLY = (
    '<html><title>Maps</title><body><div id="root"></div><script src="/app.js"></script>'
    "</body></html>"
)


def listing_urls(root: str, location: SandboxLocation) -> list[str]:
    return [f"{root}/listing/{site}/{location.store_code}" for site in SITES]


def listing_page(world: World, path: str) -> tuple[int, str] | None:
    """(HTTP status, HTML) of /listing/<path>; None when there is no such page."""
    site, _, store_code = path.partition("/")
    index = next((i for i, loc in enumerate(world.locations) if loc.store_code == store_code), None)
    if index is None or site not in SITES:
        return None
    location = world.locations[index]
    if site == "zocdoc":
        return 403, "<html><title>Access denied</title><body>Access denied.</body></html>"
    if site == "apple":
        return 200, SCRIPT_ONLY
    return 200, PAGES[site](location, index)


def _practice(location: SandboxLocation) -> str:
    return location.title.split(" - ")[0]


def _healthgrades(location: SandboxLocation, index: int) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": _practice(location),
        "telephone": location.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.address_line,
            "addressLocality": "Austin",
            "addressRegion": "TX",
            "postalCode": location.postal_code,
        },
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": round(4.1 + 0.2 * (index % 4), 1),
            "reviewCount": 20 + 7 * index,
        },
    }
    return (
        f"<html><head><title>{html.escape(_practice(location))} | Healthgrades</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f"<body><h1>{html.escape(_practice(location))}</h1></body></html>"
    )


def _vitals(location: SandboxLocation, index: int) -> str:
    e = html.escape
    return f"""<html><head><title>Dr. Maria Lopez, PT, DPT | Vitals</title></head><body>
<div itemscope itemtype="https://schema.org/Physician">
  <h1 itemprop="name">Dr. Maria Lopez, PT, DPT</h1>
  <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
    <span itemprop="streetAddress">{e(location.address_line)}</span>,
    <span itemprop="addressLocality">Austin</span>, <span itemprop="addressRegion">TX</span>
    <span itemprop="postalCode">{e(location.postal_code)}</span>
  </div>
  <span itemprop="telephone">{OLD_PHONE}</span>
</div></body></html>"""


def _association(location: SandboxLocation, index: int) -> str:
    e = html.escape
    street = OLD_STREET if index % 3 == 2 else location.address_line
    return f"""<html><head><title>Find a physical therapist | Texas PT Association</title></head>
<body><h1>Member clinics: Austin</h1><ul><li><strong>{e(_practice(location))}</strong><br>
{e(street)}, Austin, TX {e(location.postal_code)}<br>Phone: {e(location.phone)}</li></ul>
<p>Questions about the directory? Call the association at (512) 555-0142.</p></body></html>"""


PAGES = {"healthgrades": _healthgrades, "vitals": _vitals, "choosept": _association}
