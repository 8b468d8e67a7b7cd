"""The website local-SEO audit: what a clinic's page says against what its Google profile says.

Pure checks on fetched HTML (collectors/website.py does the fetching). Each finding has a
severity and a concrete fix; the score starts at 100 and loses the weight of each finding:
high 15, medium 7, low 3 (never below 0). A site that could not be read has no score, and the
result says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import phonenumbers
from bs4 import BeautifulSoup, Tag

from seo_monitor.website.matching import (
    LOCAL_TYPES,
    Profile,
    match_address,
    parses_as_phone,
    phones_in,
    schema_types,
    structured_data,
)

WEIGHTS = {"high": 15, "medium": 7, "low": 3}
BOOKING = re.compile(
    r"book|appointment|schedule|request[- ]an?[- ]visit|janeapp|zocdoc|webpt|mindbody|"
    r"nexhealth|localmed|solutionreach|intakeq|simplepractice",
    re.IGNORECASE,
)
REVIEW_LINK = re.compile(
    r"g\.page/r/|search\.google\.com/local/writereview|google\.com/maps.*review|writereview",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # high, medium, low, info
    message: str
    fix: str


@dataclass
class PageFacts:
    url: str
    status: int
    html: str
    seconds: float
    size_bytes: int
    redirected_from_http: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AuditResult:
    url: str
    score: int | None  # None: the site could not be read, `reason` says why
    findings: list[Finding]
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "score": self.score,
            "reason": self.reason,
            "findings": [asdict(f) for f in self.findings],
        }


def score(findings: list[Finding]) -> int:
    return max(0, 100 - sum(WEIGHTS.get(f.severity, 0) for f in findings))


def audit_page(
    page: PageFacts,
    profile: Profile,
    others: Sequence[PageFacts] = (),
    broken: Sequence[tuple[str, str]] = (),
    more: Sequence[Finding] = (),
) -> AuditResult:
    """The home page's checks; name, address and phone may also be on `others` (the contact
    and location pages); `broken` lists internal links that failed, with why; `more` are the
    fetcher's own findings (pages too slow to read)."""
    soup = BeautifulSoup(page.html, "html.parser")
    every = BeautifulSoup("".join(p.html for p in [page, *others]), "html.parser")
    text = " ".join(every.get_text(" ").split())
    findings = [
        *_basics(soup, page, profile),
        *_nap(every, text, profile),
        *_structured_data(soup, profile),
        *_links(soup, page.url),
        *_media_and_speed(soup, page),
        *_broken(broken),
        *more,
    ]
    return AuditResult(page.url, score(findings), findings)


def _broken(broken: Sequence[tuple[str, str]]) -> Iterator[Finding]:
    if broken:
        shown = "; ".join(f"{url} ({why})" for url, why in broken[:5])
        more = f" and {len(broken) - 5} more" if len(broken) > 5 else ""
        yield Finding(
            "broken links",
            "medium",
            f"{len(broken)} internal link{'s are' if len(broken) > 1 else ' is'} broken: "
            f"{shown}{more}.",
            "Fix or remove them; patients and Google both give up on dead ends.",
        )


def unreachable(url: str, problem: str) -> AuditResult:
    """A site that could not be audited is itself the finding, and gets no score: nothing of
    it was checked, so no number would be fair to it or to the site it is compared with."""
    finding = Finding(
        "reachable",
        "high",
        f"site unreachable: {problem}",
        "Check the website address in the Google profile and that the site is up.",
    )
    return AuditResult(url, None, [finding], reason=problem)


def _basics(soup: BeautifulSoup, page: PageFacts, profile: Profile) -> Iterator[Finding]:
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if not title:
        yield Finding(
            "title",
            "high",
            "The page has no <title>.",
            "Add a title such as 'Physical Therapy in Austin | Clinic Name'.",
        )
    else:
        if not 20 <= len(title) <= 65:
            yield Finding(
                "title",
                "low",
                f"The title is {len(title)} characters.",
                "Keep the title between 20 and 65 characters so Google shows it whole.",
            )
        if profile.city and profile.city.lower() not in title.lower():
            yield Finding(
                "title",
                "medium",
                f"The title does not name the city ({profile.city}).",
                f"Put '{profile.city}' in the title: patients search with the city.",
            )
    description = soup.find("meta", attrs={"name": re.compile("^description$", re.I)})
    content = description.get("content", "") if isinstance(description, Tag) else ""
    if not content:
        yield Finding(
            "meta description",
            "medium",
            "No meta description.",
            "Add a 70-160 character description naming the service and the city.",
        )
    elif not 70 <= len(str(content)) <= 160:
        yield Finding(
            "meta description",
            "low",
            f"The description is {len(str(content))} characters.",
            "Aim for 70-160 characters.",
        )
    h1 = soup.find_all("h1")
    if len(h1) != 1:
        yield Finding(
            "h1",
            "low",
            f"The page has {len(h1)} <h1> headings.",
            "Use exactly one <h1> that says what the clinic does and where.",
        )
    if not soup.find("link", rel=lambda v: v and "canonical" in v):
        yield Finding(
            "canonical",
            "low",
            "No canonical link.",
            'Add <link rel="canonical" href="…"> with the page\'s preferred address.',
        )
    if not soup.find("meta", attrs={"name": "viewport"}):
        yield Finding(
            "viewport",
            "medium",
            "No viewport meta tag: the page is not set up for phones.",
            'Add <meta name="viewport" content="width=device-width, initial-scale=1">.',
        )
    html = soup.find("html")
    if not (isinstance(html, Tag) and html.get("lang")):
        yield Finding(
            "language",
            "low",
            "The page does not declare its language.",
            'Add lang="en" (or the page\'s language) to the <html> tag.',
        )
    if urlsplit(page.url).scheme != "https":
        yield Finding(
            "https",
            "high",
            "The page is served over plain http.",
            "Serve the site over https and redirect http to it.",
        )
    elif page.redirected_from_http:
        yield Finding("https", "info", "http redirects to https (good).", "Nothing to do.")


def _nap(soup: BeautifulSoup, text: str, profile: Profile) -> Iterator[Finding]:
    if profile.name and profile.name.split(" - ")[0].lower() not in text.lower():
        yield Finding(
            "name",
            "medium",
            f"The business name '{profile.name}' is not on the page.",
            "Show the name exactly as on Google (in the header or footer).",
        )
    if profile.phone:
        try:
            wanted = phonenumbers.format_number(
                phonenumbers.parse(profile.phone, profile.region),
                phonenumbers.PhoneNumberFormat.E164,
            )
        except phonenumbers.NumberParseException:
            wanted = None
        on_page = phones_in(text, profile.region)
        if wanted and wanted not in on_page:
            yield Finding(
                "phone",
                "high",
                f"The Google phone number {profile.phone} is not on the page"
                + (f" (found {', '.join(sorted(on_page))})" if on_page else "")
                + ".",
                f"Show {profile.phone} on every page, the same number as on Google.",
            )
        tel = [
            str(a["href"])[4:]
            for a in soup.find_all("a", href=re.compile(r"^tel:", re.I))
            if parses_as_phone(str(a["href"])[4:], profile.region)
        ]
        if not tel:
            yield Finding(
                "tel link",
                "medium",
                "The phone number is not a tap-to-call link.",
                f'Wrap it in <a href="tel:{wanted or profile.phone}">…</a>.',
            )
    if profile.address_lines:
        found = match_address(text, profile.address_lines)
        if not found.street:
            yield Finding(
                "address",
                "high",
                f"The address '{profile.address_lines[0]}' is not on the page as on Google.",
                f"Show '{', '.join(profile.address_lines)}' in the footer, as on Google.",
            )
        for extra in found.missing:
            yield Finding(
                "address",
                "medium",
                f"'{extra}' is missing from the address on the page.",
                f"Add '{extra}' to the footer address to match Google.",
            )


def _structured_data(soup: BeautifulSoup, profile: Profile) -> Iterator[Finding]:
    unreadable: list[str] = []
    local = [item for item in structured_data(soup, unreadable) if schema_types(item) & LOCAL_TYPES]
    if unreadable:
        yield Finding(
            "structured data",
            "medium",
            f"{len(unreadable)} JSON-LD block{'s are' if len(unreadable) > 1 else ' is'} "
            "nested too deeply to read; search engines skip it too.",
            "Keep the JSON-LD markup to a few levels: the clinic, its address, geo and hours.",
        )
    if not local:
        yield Finding(
            "structured data",
            "medium",
            "No schema.org LocalBusiness (or MedicalClinic, Physiotherapy…) markup.",
            "Add JSON-LD for the clinic with name, address, geo, telephone and openingHours.",
        )
        return
    item = local[0]
    missing = [
        key
        for key in ("address", "telephone", "openingHoursSpecification", "geo")
        if not item.get(key)
        and not (key == "openingHoursSpecification" and item.get("openingHours"))
    ]
    if missing:
        yield Finding(
            "structured data",
            "low",
            f"The markup lacks {', '.join(missing)}.",
            f"Add {', '.join(missing)} to the LocalBusiness markup.",
        )
    phone = item.get("telephone")
    if (
        profile.phone
        and isinstance(phone, str)
        and phones_in(phone, profile.region) != phones_in(profile.phone, profile.region)
    ):
        yield Finding(
            "structured data",
            "medium",
            f"The markup's telephone ({phone}) differs from Google's ({profile.phone}).",
            f"Set telephone to {profile.phone} in the markup.",
        )


def _links(soup: BeautifulSoup, url: str) -> Iterator[Finding]:
    anchors = [
        (a.get_text(" ", strip=True), urljoin(url, str(a.get("href", ""))))
        for a in soup.find_all("a")
    ]
    if not any(BOOKING.search(text) or BOOKING.search(href) for text, href in anchors):
        yield Finding(
            "booking",
            "medium",
            "No online booking link.",
            "Add a 'Book an appointment' button linking to your scheduling page.",
        )
    if not any(REVIEW_LINK.search(href) for _, href in anchors):
        yield Finding(
            "review link",
            "low",
            "No link asking patients for a Google review.",
            "Link to the clinic's Google review page (the QR posters use the same link).",
        )


def _media_and_speed(soup: BeautifulSoup, page: PageFacts) -> Iterator[Finding]:
    missing_alt = [img for img in soup.find_all("img") if not img.get("alt")]
    if missing_alt:
        yield Finding(
            "images",
            "low",
            f"{len(missing_alt)} image{'s have' if len(missing_alt) > 1 else ' has'} no alt text.",
            "Describe each image in an alt attribute (screen readers and search use it).",
        )
    if page.size_bytes > 1_500_000:
        yield Finding(
            "page weight",
            "medium",
            f"The page's HTML is {page.size_bytes // 1024} kB.",
            "Trim the HTML (inline scripts, styles, builders' markup) below 1.5 MB.",
        )
    if page.seconds > 3:
        yield Finding(
            "speed",
            "medium",
            f"The page took {page.seconds:.1f} s to load.",
            "Aim for under 3 s: compress images, cache, use a faster host.",
        )
