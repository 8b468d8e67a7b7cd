"""The demo clinics' own websites, each with a few deliberate problems, so the website audit
has real findings to show (served by the sandbox under /site/<store code>/)."""

from __future__ import annotations

import html

from seo_monitor.sandbox.world import SandboxLocation, World

DESCRIPTION = (
    "Physical therapy in Austin: back and neck pain, sports injuries and post-surgery rehab "
    "with one-on-one care."
)
# What each demo site gets wrong, by location index (cycled).
FLAWS = (
    {"no_suite", "no_schema", "no_booking"},
    {"other_phone", "no_viewport", "images_without_alt"},
    {"no_review_link", "long_title", "no_tel_link"},
)


def site_page(world: World, path: str) -> str | None:
    """The page at /site/<path>: a clinic's home page (<store code>/) or its booking page."""
    store_code, _, page = path.partition("/")
    index = next((i for i, loc in enumerate(world.locations) if loc.store_code == store_code), None)
    if index is None or page not in ("", "book"):
        return None
    if page == "book":
        return '<!doctype html><html lang="en"><title>Book</title><h1>Book a visit</h1></html>'
    return render(world.locations[index], FLAWS[index % len(FLAWS)])


def render(location: SandboxLocation, flaws: set[str]) -> str:
    name = html.escape(location.title.split(" - ")[0])
    street = html.escape(location.address_line)
    address = street if "no_suite" in flaws else f"{street}, Suite 210"
    phone = "(512) 555-0199" if "other_phone" in flaws else location.phone
    tel = (
        html.escape(phone)
        if "no_tel_link" in flaws
        else f'<a href="tel:{phone}">{html.escape(phone)}</a>'
    )
    title = (
        f"{name} | Physical Therapy, Sports Rehab, Dry Needling and Pelvic Health in Austin, Texas"
        if "long_title" in flaws
        else f"Physical Therapy in Austin | {name}"
    )
    schema = (
        ""
        if "no_schema" in flaws
        else '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"Physiotherapy","name":"{name}","telephone":"{location.phone}",'
        f'"address":{{"@type":"PostalAddress","streetAddress":"{street}, Suite 210"}},'
        f'"geo":{{"@type":"GeoCoordinates","latitude":{location.latitude},'
        f'"longitude":{location.longitude}}},"openingHours":"Mo-Fr 07:00-19:00"}}</script>'
    )
    viewport = (
        "" if "no_viewport" in flaws else '<meta name="viewport" content="width=device-width">'
    )
    booking = "" if "no_booking" in flaws else '<a href="book">Book an appointment</a>'
    review = (
        ""
        if "no_review_link" in flaws
        else (
            f'<a href="https://search.google.com/local/writereview?placeid={location.place_id}">'
            "Review us on Google</a>"
        )
    )
    alt = "" if "images_without_alt" in flaws else ' alt="Our clinic"'
    return f"""<!doctype html><html lang="en"><head><title>{title}</title>
<meta name="description" content="{DESCRIPTION}">
{viewport}<link rel="canonical" href="/">{schema}</head>
<body><h1>Physical therapy in Austin</h1><img src="/clinic.jpg"{alt}>{booking} {review}
<footer>{name} · {address}, Austin, TX {html.escape(location.postal_code)} · {tel}</footer>
</body></html>"""
