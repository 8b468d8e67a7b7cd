"""Which site a listing is on, by its address: the directories patients use, by name."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

SITE_NAMES = {
    "healthgrades.com": "Healthgrades",
    "zocdoc.com": "Zocdoc",
    "vitals.com": "Vitals",
    "webmd.com": "WebMD",
    "yelp.com": "Yelp",
    "facebook.com": "Facebook",
    "maps.apple.com": "Apple Maps",
    "bing.com": "Bing Places",
    "yellowpages.com": "Yellow Pages",
    "bbb.org": "BBB",
    "mapquest.com": "MapQuest",
    "apta.org": "APTA",
    "choosept.com": "ChoosePT (APTA)",
    "npiregistry.cms.hhs.gov": "NPI Registry",
    "medicare.gov": "Medicare Care Compare",
    "uhc.com": "UnitedHealthcare",
    "aetna.com": "Aetna",
    "cigna.com": "Cigna",
    "bcbs.com": "Blue Cross Blue Shield",
    "humana.com": "Humana",
}


def site_name(url: str) -> str:
    """ "Healthgrades" for https://www.healthgrades.com/…; the host for any other site. A page on
    a local address (a copy of a directory for a demo or a test) is named by its first path
    segment when that is a directory's name: /healthgrades/… is "Healthgrades"."""
    parts = urlsplit(url)
    host = (parts.hostname or url).lower().removeprefix("www.")
    for domain, name in SITE_NAMES.items():
        if host == domain or host.endswith("." + domain):
            return name
    if _is_local(host):
        by_label = {domain.split(".")[-2]: name for domain, name in SITE_NAMES.items()}
        for segment in parts.path.lower().split("/"):
            if segment in by_label:
                return by_label[segment]
    return host[:100]


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
