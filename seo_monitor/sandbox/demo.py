"""Point a seo-monitor installation at a running sandbox: a config file and a stored token."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from seo_monitor.private_files import write_private_text
from seo_monitor.sandbox.listings import listing_urls
from seo_monitor.sandbox.server import PLACES_API_KEY, authorized_user_info
from seo_monitor.sandbox.world import World

DEMO_CONFIG = """\
# Demo configuration written by `seo-monitor sandbox --write-config`: seo-monitor talks to the
# local sandbox at {root} instead of Google. Everything else is the default (see
# config.example.toml); the database is data/seo-monitor.db next to this file.
data_dir = "data"

[google]
api_root = "{root}"
places_api_key_file = "data/places-api-key"

# Map rankings from the sandbox's Places API: a 5 x 5 grid, one keyword.
[rankings]
keywords = ["physical therapy"]
grid_size = 5

# Demo pace: the sandbox's clock runs 480 times faster than yours, so new reviews arrive
# every few minutes and the reviews job picks them up every two.
[scheduler]
reviews = "*/2 * * * *"
metrics = "*/15 * * * *"
locations = "0 * * * *"
jitter_seconds = 0

# The website audit reads only public sites, except the hosts allowed here: the sandbox's.
# The sandbox runs on this machine: the listings check needs no pause between its pages.
[website]
allow_hosts = ["{host}"]
listings_pause_seconds = 0

# What the referral kit (letters, the referral sheet, the form) says of the demo practice.
[referral_kit]
practice_name = "Capital Motion Physical Therapy"
signed_by = "Dana Reyes, DPT, Clinic Director"
fax = "(512) 555-0143"
services = [
    "Orthopedic and sports rehabilitation",
    "Post-surgical rehabilitation",
    "Vestibular and concussion therapy",
    "Dry needling",
]
conditions = [
    "Low back and neck pain",
    "ACL, meniscus and rotator cuff repair",
    "Vertigo and dizziness",
    "Running injuries",
]
hours = "Mon–Fri 7am–7pm, Sat 8am–12pm"
insurances = [
    "Medicare",
    "Blue Cross Blue Shield of Texas",
    "Aetna",
    "UnitedHealthcare",
    "Workers' compensation",
]
how_to_refer = "Fax the referral form with the latest visit note: we call the patient within a day."
"""


DEMO_ALERTS = """
# Alert and digest emails go to the demo mailbox on 127.0.0.1:{mail_port}; the dashboard's
# Alerts page shows what arrived.
[alerts]
smtp_host = "127.0.0.1"
smtp_port = {mail_port}
smtp_security = "none"
from_address = "seo-monitor@demo-clinic.example"
recipients = ["practice.manager@demo-clinic.example"]
# Emails link each review on Google; with the dashboard at an address other devices open,
# set it under [dashboard] as public_url = "https://…" and they link to it instead.

# Review requests by email after a visit, to the demo mailbox too.
[review_requests]
enabled = true
unsubscribe_email = "frontdesk@demo-clinic.example"
"""

DEMO_SPEEDUP = 480  # sandbox minutes per real minute while the demo runs (8 hours a minute)


def run_world_clock(world: World, stop: threading.Event, tick_seconds: float = 60.0) -> None:
    """Advance the demo world while the demo runs: reviews arrive, get edited and answered."""
    while not stop.wait(tick_seconds):
        world.advance(tick_seconds / 60 * DEMO_SPEEDUP)


def default_world_time() -> datetime:
    """Today at midnight UTC: the same world all day, so re-running the demo reuses its data."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def write_demo_config(
    folder: Path, root: str, mail_port: int | None = None, world: World | None = None
) -> Path:
    """config.toml and data/google-token.json for the sandbox at `root` (the data is kept);
    with `mail_port`, alerts go to the demo mailbox there; with `world`, each location's
    website and listings are the sandbox's demo pages for it."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    text = DEMO_CONFIG.format(root=root, host=urlsplit(root).netloc)
    if mail_port is not None:
        text += DEMO_ALERTS.format(mail_port=mail_port)
    for location in world.locations if world else []:
        text += (
            f'\n[[locations]]\nmatch = "{location.store_code}"\n'
            f'website = "{root}/site/{location.store_code}/"\n'
            f"listings = {json.dumps(listing_urls(root, location))}\n"
        )
    write_private_text(config, text)
    write_private_text(folder / "data" / "places-api-key", PLACES_API_KEY)
    write_private_text(
        folder / "data" / "google-token.json", json.dumps(authorized_user_info(root))
    )
    return config
