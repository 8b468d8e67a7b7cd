"""The settings model: every configurable value, its default, its check and its documentation.

The model is the single source of truth: `loading` reads it from config.toml and the environment,
and `template` writes config.example.toml from it.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    SecretStr,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from seo_monitor.images import logo_problem


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    """Relative paths in config.toml are relative to the folder that holds config.toml."""
    base = (info.context or {}).get("base_dir")
    value = value.expanduser()
    if base is not None and not value.is_absolute():
        value = Path(base) / value
    return value


def _resolve_database_url(value: str | None, info: ValidationInfo) -> str | None:
    """Check the URL parses and anchor a relative SQLite file path at the config folder."""
    if value is None:
        return None
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(
            "expected an SQLAlchemy URL such as sqlite:///data/seo-monitor.db or "
            "postgresql+psycopg://user@host:5432/seo_monitor"
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        backend = url.get_backend_name()
        raise ValueError(f"unsupported database {backend!r}; use sqlite or postgresql")
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        path = _resolve_path(Path(database), info)
        url = url.set(database=str(path))
    return url.render_as_string(hide_password=False)


def _check_cron(value: str) -> str:
    """A five-field crontab line APScheduler reads the way cron does."""
    fields = value.split()
    if len(fields) == 5 and any(ch.isdigit() for ch in fields[4]):
        raise ValueError(
            "use day names in the day-of-week field (mon-fri, sun): APScheduler counts 0 as "
            "Monday, cron as Sunday"
        )
    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError(f'not a cron line ({exc}); e.g. "*/30 * * * *" or "0 8 * * mon"') from None
    return value


def _check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as America/Chicago"
        ) from None
    return value


def _check_logo(value: Path | None) -> Path | None:
    problem = logo_problem(value) if value is not None else None
    if problem:
        raise ValueError(f"{problem}; give the clinic's logo as a PNG or JPEG file")
    return value


ConfigPath = Annotated[Path, AfterValidator(_resolve_path)]
Cron = Annotated[str, AfterValidator(_check_cron)]
TimeZoneName = Annotated[str, AfterValidator(_check_time_zone)]
DatabaseUrl = Annotated[str | None, AfterValidator(_resolve_database_url)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
# A host name or address, optionally with a port: clinic.local, 10.0.0.5:8080, [fd00::5]:80.
HostEntry = Annotated[str, Field(pattern=r"^(\[[0-9A-Fa-f:.]+\]|[^\s/:@\[\]]+)(:[0-9]{1,5})?$")]


def secret(description: str) -> Any:
    """A field only read from the environment or from the file named by `<field>_file`."""
    return Field(None, description=description, json_schema_extra={"secret": True})


def documented(default: Any, description: str, example: Any = None, **checks: Any) -> Any:
    extra = {"example": example} if example is not None else None
    return Field(default, description=description, json_schema_extra=extra, **checks)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    """Where seo-monitor keeps its data."""

    url: DatabaseUrl = documented(
        None,
        "SQLAlchemy database URL. Unset: an SQLite file seo-monitor.db in data_dir. A relative "
        "SQLite path is relative to this file's folder. For a shared deployment use PostgreSQL.",
        example="postgresql+psycopg://seo_monitor@127.0.0.1:5432/seo_monitor",
    )
    sqlite_busy_timeout_seconds: float = documented(
        30.0,
        "How long an SQLite writer waits for another writer before giving up.",
        gt=0,
        le=600,
    )
    keep_run_history_days: int = documented(
        90,
        "The nightly maintenance job deletes collector runs older than this (each collector's "
        "newest run and newest successful run for each location always stay). The review job "
        "alone adds one run per location every half hour.",
        ge=7,
        le=3650,
    )


class GoogleSettings(Section):
    """Access to Google's APIs (Business Profile, reviews, Places, Search Console)."""

    oauth_client_file: ConfigPath | None = documented(
        None,
        "The OAuth client JSON downloaded from Google Cloud Console (type: Desktop app). "
        "Used once by `seo-monitor auth google`.",
        example="client_secret.json",
    )
    token_file: ConfigPath | None = documented(
        None,
        "Where the OAuth refresh token is stored, readable by its owner only. "
        "Unset: google-token.json in data_dir.",
        example="data/google-token.json",
    )
    quota_per_minute: int = documented(
        300,
        "Calls per minute allowed per Google API; collectors pace themselves to stay under it.",
        ge=1,
        le=100_000,
    )
    api_root: str | None = documented(
        None,
        "Send every Google API call to this address instead of Google's (for the local sandbox).",
        example="http://127.0.0.1:8765",
        pattern=r"^https?://",
    )
    request_timeout_seconds: float = documented(
        30.0,
        "Give up on one Google API request after this long (it is then retried).",
        gt=0,
        le=300,
    )
    max_attempts: int = documented(
        5,
        "Tries per call on server errors and timeouts before the run fails. Rate limits (429) "
        "are tried at least this often, and on until the waits outlast Google's one-minute "
        "quota window.",
        ge=1,
        le=20,
    )
    backoff_seconds: float = documented(
        2.0,
        "Wait before the first retry; it doubles on each further try (with jitter).",
        ge=0,
        le=600,
    )
    search_console: StrictBool = documented(
        True,
        "Read the locations' Search Console positions: `seo-monitor auth google` then also asks "
        "for read-only Search Console access. false: it asks for the Business Profile only and "
        "the search-console collector does not run.",
    )
    places_api_key: SecretStr | None = secret(
        "API key for the Places API (New): map rank scans, competitors, and the map position of "
        "locations whose profile has none."
    )
    places_api_key_file: ConfigPath | None = documented(
        None, "File holding the Places API key.", example="/etc/seo-monitor/places-api-key"
    )


class ReviewSettings(Section):
    """How reviews are triaged: what counts as negative, and the rating the practice aims for."""

    negative_stars: int = documented(
        2, "Reviews with this many stars or fewer are negative (and go to the top).", ge=1, le=4
    )
    text_threshold: float | None = documented(
        None,
        "How sure the scorer must be that a text is a complaint (0-1) to call it negative. "
        "Unset: the model's own threshold, chosen for equal recall and precision. Lower "
        "catches more complaints and flags more praise by mistake.",
        example=0.4,
        gt=0,
        lt=1,
    )
    target_rating: float = documented(
        4.8,
        "The average rating each location aims for: the dashboard shows how many new 5-star "
        "reviews it takes to get there.",
        ge=1,
        le=5,
    )
    import_max_megabytes: int = documented(
        50,
        "`seo-monitor import reviews` refuses a CSV file larger than this (MB).",
        ge=1,
        le=2000,
    )


class ReplySettings(Section):
    """Answering reviews: what the PHI check knows of the practice, and the templates' details."""

    staff_names: list[str] = documented(
        [],
        'Names of the practice\'s people ("Dr. Patel", "Jenna"): a reply that ties one of them '
        "to the reviewer's care is flagged.",
        example=["Dr. Patel", "Jenna"],
    )
    office_phone: str | None = documented(
        None,
        "The office number replies may give (never flagged); also fills {office_phone} in "
        "the reply templates.",
        example="(512) 555-0100",
    )
    contact_role: str = documented(
        "practice manager",
        "Who the reply templates ask unhappy reviewers to call.",
        min_length=1,
    )


class RankingSettings(Section):
    """Geo-grid map rankings (`seo-monitor collect rankings`, weekly)."""

    provider: Literal["places", "serp"] = documented(
        "places",
        "places (Google's Places API, no charge with place ids only) or serp (a paid SERP API "
        "returning Google Maps results; set serp_endpoint and its key).",
    )
    serp_endpoint: str | None = documented(
        None, "The SERP provider's search URL.", example="https://serp.example.com/v1/maps"
    )
    serp_api_key: SecretStr | None = secret("The SERP provider's API key.")
    serp_api_key_file: ConfigPath | None = documented(
        None, "File holding the SERP provider's API key.", example="/etc/seo-monitor/serp-key"
    )
    keywords: list[str] = documented(
        [],
        "What patients search for; every location is scanned for each.",
        example=["physical therapy near me", "sports injury clinic"],
    )
    grid_size: int = documented(7, "Points per side of the square grid (3-15).", ge=3, le=15)
    spacing_km: float = documented(1.0, "Distance between neighbouring points.", gt=0, le=20)
    pages: int = documented(
        1, "Result pages read per point (20 results each; up to 3).", ge=1, le=3
    )
    cost_per_search_usd: float = documented(
        0.0,
        "What one search costs. The Places provider asks only for place ids, which Google's "
        "price list puts on its no-charge tier: 0.",
        ge=0,
    )
    monthly_budget_usd: float | None = documented(
        None,
        "Stop scans that would take this month's cost past this (recorded as skipped).",
        example=25.0,
        ge=0,
    )
    pinned_competitors: list[str] = documented(
        [],
        "Place ids of competitors to follow whether or not they show up in scans.",
        example=["ChIJN1t_tDeuEmsRUsoyG83frY4"],
    )


HexColor = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
# The languages posters have wording for (qr/wording.py; a test keeps the two equal).
POSTER_LANGUAGES = ("en", "es")


class PosterSettings(Section):
    """Review-request QR codes and posters (`seo-monitor qr`, the QR posters page)."""

    brand_color: HexColor = documented(
        "#1f6feb", "Colour of the clinic's name on posters (#rrggbb).", example="#0b7a75"
    )
    text_color: HexColor = documented("#1f2933", "Colour of the other text (#rrggbb).")
    logo_file: Annotated[ConfigPath | None, AfterValidator(_check_logo)] = documented(
        None,
        "The clinic's logo (PNG or JPEG) for the top of posters and, where it still scans, "
        "the centre of PNG codes.",
        example="/etc/seo-monitor/logo.png",
    )
    languages: list[str] = documented(
        ["en", "es"],
        "Languages of the headline and instructions, in order (built in: en, es; others "
        "need wording below).",
    )
    wording: dict[str, dict[str, str]] = documented(
        {},
        "Your own headline, instructions or card line per language; checked against the rules "
        "for asking (no rating asks, no incentives, no gating, no health details) with a "
        "warning.",
        example={"en": {"headline": "Tell us about your visit"}},
    )

    @model_validator(mode="after")
    def _languages_have_wording(self) -> PosterSettings:
        known = [*POSTER_LANGUAGES, *(k for k in self.wording if k not in POSTER_LANGUAGES)]
        unknown = [language for language in self.languages if language not in known]
        if unknown:
            raise ValueError(
                f"posters.languages: no wording for {', '.join(map(repr, unknown))} (posters "
                f"have {', '.join(known)}); add it under posters.wording or remove it"
            )
        return self


class AlertSettings(Section):
    """Email for alerts and the weekly digest: the clinic's own SMTP server."""

    smtp_host: str = documented("localhost", "SMTP server host name.", min_length=1)
    smtp_port: int = documented(587, "SMTP server port.", ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = documented(
        "starttls",
        "starttls (port 587), tls (implicit TLS, port 465) or none (a relay on this machine).",
    )
    smtp_username: str | None = documented(
        None, "SMTP login, if the server wants one.", example="alerts@example-clinic.com"
    )
    smtp_password: SecretStr | None = secret("SMTP password.")
    smtp_password_file: ConfigPath | None = documented(
        None, "File holding the SMTP password.", example="/etc/seo-monitor/smtp-password"
    )
    smtp_timeout_seconds: float = documented(
        30.0, "Give up on an SMTP step after this long.", gt=0, le=600
    )
    from_address: EmailStr | None = documented(
        None, "Sender address of alert emails.", example="seo-monitor@example-clinic.com"
    )
    recipients: list[EmailStr] = documented(
        [],
        "Who gets alerts and the digest for every location ([[locations]] alert_recipients "
        "adds people for one location).",
        example=["practice.manager@example-clinic.com"],
    )
    recipient_modes: dict[EmailStr, Literal["immediate", "daily", "weekly"]] = documented(
        {},
        "How often each recipient hears about new negative reviews: immediate (after each "
        "review sync, the default), daily (one email at daily_hour) or weekly (the digest only).",
        example={"owner@example-clinic.com": "weekly"},
    )
    smtp_ca_file: ConfigPath | None = documented(
        None,
        "CA certificate(s) to trust for a server with a private certificate (PEM).",
        example="/etc/seo-monitor/smtp-ca.pem",
    )
    reply_to: EmailStr | None = documented(
        None, "Reply-To address of alert emails.", example="office@example-clinic.com"
    )
    negative_max_stars: int = documented(
        3, "Alert on new reviews with this many stars or fewer (and on negative text).", ge=1, le=5
    )
    excerpt_chars: int = documented(
        200,
        "How much of the review text an alert quotes; 0 sends no review text at all.",
        ge=0,
        le=2000,
    )
    max_review_age_days: int = documented(
        7,
        "Only reviews written this recently alert (a first sync of years of reviews does not).",
        ge=1,
        le=90,
    )
    daily_hour: int = documented(
        8, "Hour (scheduler.timezone) when daily recipients get their alerts.", ge=0, le=23
    )
    digest_location_sections: int = documented(
        10,
        "A digest covering more locations than this has a section only for those that need "
        "attention most (collector failures, new 1-2 star reviews, a rating drop, complaints), "
        "up to this many, and counts the rest: long emails get clipped (Gmail: 102 kB).",
        ge=1,
        le=1000,
    )
    quiet_week: Literal["note", "skip"] = documented(
        "note",
        "A week without new reviews or failures: send a short note, or nothing.",
    )
    max_attempts: int = documented(
        8,
        "Tries per email before it is given up and shown on the Data health page.",
        ge=1,
        le=50,
    )
    dashboard_url: str | None = documented(
        None,
        "Older name of dashboard.public_url, used only when that is unset.",
        example="https://seo.example-clinic.com",
    )

    @model_validator(mode="after")
    def _sender_for_recipients(self) -> AlertSettings:
        if self.recipients and self.from_address is None:
            raise ValueError(
                "recipients are set but from_address is not: set alerts.from_address to the "
                "address emails are sent from"
            )
        return self


class DashboardSettings(Section):
    """The web dashboard (`seo-monitor dashboard`)."""

    host: str = documented(
        "127.0.0.1",
        "Address to listen on. Anything but a loopback address (127.0.0.1, ::1, localhost) "
        "requires a login: add users with `seo-monitor user add NAME`.",
        min_length=1,
    )
    port: int = documented(8501, "Port to listen on.", ge=1, le=65535)
    require_login: StrictBool = documented(
        False, "Ask for a user name and password even on a loopback address."
    )
    public_url: str | None = documented(
        None,
        "The address people open the dashboard at from other machines (e.g. behind a reverse "
        "proxy); emails link to it. Unset: emails carry no dashboard links.",
        example="https://seo.example-clinic.com",
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
    )
    idle_timeout_minutes: int = documented(
        60,
        "A signed-in session ends after this many minutes without a click.",
        ge=1,
        le=7 * 24 * 60,
    )
    login_failures_before_delay: int = documented(
        5,
        "Wrong passwords allowed per user name and per browser before sign-in is slowed "
        "down (each further failure doubles the wait, up to 15 minutes).",
        ge=1,
        le=100,
    )


class SchedulerSettings(Section):
    """When each `seo-monitor scheduler` job runs: crontab lines (minute hour day month weekday)."""

    timezone: TimeZoneName = documented(
        "UTC", "Time zone of the times below (an IANA name).", example="America/Chicago"
    )
    locations: Cron = documented("0 5 * * *", "Refresh the list of locations and their details.")
    reviews: Cron = documented("*/30 * * * *", "Read new and changed reviews.")
    metrics: Cron = documented("15 6 * * *", "Read daily profile metrics (Google reports late).")
    keywords: Cron = documented("30 6 3 * *", "Read last month's search keywords.")
    digest: Cron = documented("0 8 * * mon", "Send the weekly digest email (alerts section).")
    rankings: Cron = documented("0 4 * * sun", "Scan the map rankings (rankings section).")
    competitors: Cron = documented("0 6 * * sun", "Refresh competitors seen in the scans.")
    website: Cron = documented("0 5 * * mon", "Audit each location's website.")
    listings: Cron = documented(
        "30 5 * * tue", "Check each location's listings on other sites against Google."
    )
    search_console: Cron = documented("45 6 * * *", "Read Search Console positions.")
    report: Cron = documented(
        "0 7 * * *",
        "Send last month's report to report.recipients once report.send_day has come (daily, "
        "so a scheduler that was down on that day still sends it; each recipient gets it once).",
    )
    review_requests: Cron = documented(
        "0 9-17 * * *",
        "Email review requests after visits (when review_requests.enabled): hourly in the day, "
        "so the hourly cap spreads a long list over the day and patients get asks at daytime.",
    )
    alerts: Cron = documented(
        "*/10 * * * *", "Send due emails: daily alerts and retries (new ones go after each sync)."
    )
    maintenance: Cron = documented(
        "0 3 * * *",
        "Tidy the database (statistics, WAL checkpoint) and forget the addresses of visits too "
        "old to be asked.",
    )
    jitter_seconds: int = documented(
        60,
        "Start each job up to this many seconds late, so many installs do not hit Google "
        "at the same second.",
        ge=0,
        le=3600,
    )
    misfire_grace_seconds: int = documented(
        3600,
        "A run missed while the scheduler was down still happens if it is at most this "
        "late; runs missed several times over happen once.",
        ge=1,
        le=86_400,
    )
    lease_seconds: int = documented(
        90,
        "SQLite: how long a scheduler's claim to run jobs lasts without renewal; a crashed "
        "scheduler's claim expires after this.",
        ge=10,
        le=3600,
    )


class LoggingSettings(Section):
    """Log output (ids and counts only; never review text, names or secrets)."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = documented("INFO", "Log level.")


class ReviewRequestSettings(Section):
    """Review requests by email after a visit (`seo-monitor import visits`, `seo-monitor
    requests send`, the scheduler's review_requests job): the same neutral ask to every
    patient, once, through the clinic's SMTP server ([alerts]), with an unsubscribe."""

    enabled: StrictBool = documented(
        False,
        "Send the asks: the scheduler's job and `requests send` (a dry run works either way). Off "
        "until someone chooses to email patients.",
    )
    delay_days: int = documented(
        1, "Ask this many days after the visit at the earliest.", ge=0, le=30
    )
    max_age_days: int = documented(
        14, "Ask at most this many days after the visit; older visits are not asked.", ge=1, le=90
    )
    min_days_between: int = documented(
        180,
        "Ask one patient at most once in this many days, at any location of the same group.",
        ge=0,
        le=730,
    )
    per_hour: int = documented(
        200,
        "Send at most this many asks in each clock hour, so a first import of thousands of "
        "visits does not flood the clinic's mail server; the rest go in the next hours.",
        ge=1,
        le=10_000,
    )
    unsubscribe_email: EmailStr | None = documented(
        None,
        "Where patients ask to stop (the List-Unsubscribe address and the footer). Unset: "
        "alerts.reply_to, else alerts.from_address.",
        example="frontdesk@example-clinic.com",
    )
    unsubscribe_url: str | None = documented(
        None,
        "A web address that unsubscribes with one click (RFC 8058), when the clinic runs one; "
        "it gets ?token=… appended. Unset: the mailto unsubscribe only.",
        example="https://example-clinic.com/email/unsubscribe",
        pattern=r"^https://",
    )
    postal_address: str | None = documented(
        None,
        "The postal address in every ask's footer (CAN-SPAM). Unset: the location's own.",
        example="1200 S Lamar Blvd, Suite 110, Austin, TX 78704",
    )
    import_max_megabytes: int = documented(
        50, "The largest visit list `import visits` reads.", ge=1, le=2000
    )
    wording: dict[str, dict[str, str]] = documented(
        {},
        "Your own subject and message per language (keys: subject, message), held to the same "
        "rules as the posters; unset parts keep the built-in neutral wording.",
        example={"en": {"subject": "A quick favour from Riverbend PT"}},
    )


# The Business Profile fields the profile guard watches (seo_monitor/profile_guard/fields.py
# labels them; a test keeps the two equal).
ProfileField = Literal[
    "title", "primary_category", "additional_categories", "phone", "additional_phones",
    "website", "address", "service_area", "map_position", "regular_hours", "special_hours",
    "description", "open_status",
]  # fmt: skip


class ProfileGuardSettings(Section):
    """The profile guard: every locations sync compares each Business Profile's watched fields
    with the last sync, and asks Google for the values it shows instead of the owner's."""

    alert_fields: list[ProfileField] = documented(
        list(get_args(ProfileField)),
        "Changes to these fields email the alert recipients (exactly once, when each "
        "recipient's alerts.recipient_modes says); changes to the others are only recorded, "
        "for the Profile changes page and the digest.",
        example=["title", "primary_category", "phone", "website", "address", "regular_hours"],
    )


class ReportSettings(Section):
    """The monthly PDF report (`seo-monitor report monthly`, the Monthly report page, and an
    email to the recipients below): white-label, nothing in it names seo-monitor."""

    recipients: list[EmailStr] = documented(
        [],
        "Who gets the monthly report of every location as a PDF attachment (sent with the "
        "alerts section's SMTP server). Empty: no email; the command and the page still make it.",
        example=["owner@example-clinic.com"],
    )
    send_day: int = documented(
        5,
        "Day of the month (scheduler.timezone) from which last month's report is sent: Google "
        "reports profile metrics 2-3 days late and revises them for a few days more, so the "
        "report waits until the month's last day is final.",
        ge=1,
        le=28,
    )
    brand_name: str | None = documented(
        None,
        "The name at the top of every page. Unset: referral_kit.practice_name, else the "
        "location's title (the group's name for several).",
        example="Riverbend Physical Therapy",
    )
    prepared_by: str | None = documented(
        None,
        'An agency\'s line under the name ("Prepared by …"). Unset: none.',
        example="Prepared by Northside Marketing",
    )
    logo_file: Annotated[ConfigPath | None, AfterValidator(_check_logo)] = documented(
        None,
        "A logo (PNG or JPEG) for the top right of every page.",
        example="/etc/seo-monitor/logo.png",
    )
    accent_color: HexColor = documented(
        "#1f6feb", "Colour of headings and bars (#rrggbb).", example="#0b7a75"
    )
    footer: str | None = documented(
        None,
        "A line at the foot of every page, beside the page number.",
        example="Riverbend Physical Therapy · (512) 555-0143 · riverbendpt.example",
    )
    page_size: Literal["letter", "a4"] = documented("letter", "Paper: letter (US) or a4.")


class ReferralKitSettings(Section):
    """What the referral kit says about the practice (the referral sheet, the form, letters)."""

    practice_name: str | None = documented(
        None,
        "The practice's name on letters and sheets. Unset: the first location's title.",
        example="Riverbend Physical Therapy",
    )
    signed_by: str | None = documented(
        None, "Who signs the thank-you letters.", example="Dana Reyes, DPT, Clinic Director"
    )
    phone: str | None = documented(
        None,
        "The practice's phone number on the sheet, the form and letters. Unset: the first "
        "location's phone on Google.",
        example="(512) 555-0142",
    )
    fax: str | None = documented(None, "The fax number referrals go to.", example="(512) 555-0143")
    address: list[str] = documented(
        [],
        "The practice's address, one line per item, on the sheet, the form and letters. Unset: "
        "the first location's address on Google.",
        example=["1200 S Lamar Blvd, Suite 110", "Austin, TX 78704"],
    )
    services: list[str] = documented(
        [],
        "Services, one per item, for the referral sheet.",
        example=["Orthopedic and sports rehab", "Post-surgical rehab", "Vestibular therapy"],
    )
    conditions: list[str] = documented(
        [],
        "Conditions treated, one per item.",
        example=["Low back and neck pain", "ACL and rotator cuff repair", "Vertigo", "Concussion"],
    )
    hours: str | None = documented(
        None, "Opening hours as patients should read them.", example="Mon–Fri 7am–7pm, Sat 8am–12pm"
    )
    insurances: list[str] = documented(
        [], "Insurances accepted.", example=["Medicare", "Blue Cross Blue Shield", "Aetna"]
    )
    how_to_refer: str | None = documented(
        None,
        "How partners refer, in a sentence or two.",
        example="Fax the referral form with the latest visit note; we call the patient within "
        "one business day.",
    )
    secure_channel: str | None = documented(
        None,
        "The practice's secure way to receive referrals besides fax (a portal, Direct address).",
        example="Direct: referrals@riverbendpt.direct.example",
    )

    @field_validator("phone", "fax")
    @classmethod
    def _a_phone_number(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        digits = sum(char.isdigit() for char in value)
        stray = re.search(r"[^0-9+()./\- x]", value.lower().replace("ext", "x"))
        if not 7 <= digits <= 20 or stray:
            raise ValueError(
                f"{value!r} is not a phone number; write digits with spaces, dashes, dots or "
                'brackets, e.g. "(512) 555-0142" or "+1 512 555 0142"'
            )
        return value

    @field_validator("address")
    @classmethod
    def _address_lines(cls, value: list[str]) -> list[str]:
        lines = [" ".join(line.split()) for line in value]
        if any(not line for line in lines):
            raise ValueError('an empty line; write one line per item: ["1200 S Lamar Blvd", …]')
        return lines


class ReferralSettings(Section):
    """Referral sources (`seo-monitor import referrals`, `seo-monitor referrals …`, the
    Referrals page): who counts as new, slipping or lapsed, and when a thank-you, a check-in or
    a progress update is due."""

    patient_key: SecretStr | None = secret(
        "The secret that turns patient account numbers into keyed hashes; never stored with the "
        "referrals. Unset: the file patient_key_file names, created on first use."
    )
    patient_key_file: ConfigPath | None = documented(
        None,
        "File holding the patient-key secret, readable by its owner only. Unset: "
        "referral-key in data_dir (`seo-monitor init` creates it). Losing it makes patients "
        "already imported unrecognisable to later imports: back it up with the database.",
        example="data/referral-key",
    )
    import_max_megabytes: int = documented(
        50, "The largest export `import referrals` reads.", ge=1, le=2000
    )
    new_days: int = documented(
        30, "A referrer whose first referral ever is this recent is new.", ge=1, le=365
    )
    lapsed_days: int = documented(
        90,
        "A referrer with no referral for this long (and at least one before) has lapsed.",
        ge=7,
        le=730,
    )
    slipping_days: int = documented(
        30,
        "The recent window a referrer's referrals are counted in to tell whether they slip.",
        ge=7,
        le=180,
    )
    slipping_baseline_months: int = documented(
        3, "The months before that window their usual monthly pace is taken over.", ge=1, le=12
    )
    slipping_ratio: float = documented(
        0.5,
        "Slipping: the recent window holds fewer than this share of their usual monthly pace.",
        gt=0,
        lt=1,
    )
    slipping_min_monthly: float = documented(
        1.0,
        "Only referrers who usually send at least this many a month can slip (one a quarter "
        "missing is not a trend).",
        gt=0,
        le=100,
    )
    thank_you_every_days: int = documented(
        30,
        "A thank-you is due after a referrer's first referral, then again at most this often "
        "while they keep referring.",
        ge=7,
        le=365,
    )
    check_in_every_days: int = documented(
        30,
        "A check-in (visit, call) is due this often while a referrer slips or has lapsed.",
        ge=7,
        le=365,
    )
    progress_update_every_days: int = documented(
        30,
        "A progress update is due this often to a referrer whose patients started care in the "
        "last 90 days.",
        ge=7,
        le=365,
    )


class WebsiteSettings(Section):
    """The website audit (`seo-monitor website audit`, the weekly job, the Website page)."""

    allow_hosts: list[HostEntry] = documented(
        [],
        "Host names (any port) or host:port pairs the audit may read even though they resolve "
        "to a loopback, private or other internal address. Everything else must be a public "
        "website: the audit refuses internal addresses so that nobody can use it to probe "
        "your network.",
        example=["intranet.example-clinic.local", "127.0.0.1:8080"],
    )
    request_timeout_seconds: float = documented(
        15.0,
        "Longest time for one page, robots.txt or link check, from connecting to the last "
        "byte and across redirects (not a timeout that each byte resets).",
        gt=0,
        le=300,
    )
    site_timeout_seconds: float = documented(
        60.0,
        "Longest time for the audit of one site, all its pages together; the weekly job gives "
        "each location's site this budget.",
        gt=0,
        le=1800,
    )
    listings_pause_seconds: float = documented(
        2.0,
        "Pause between two requests of the weekly listings check to the same site (robots.txt "
        "included), so that a directory listing many of the group's locations is not read back "
        "to back; a longer Crawl-delay in the site's robots.txt is honoured, up to 30 seconds.",
        ge=0,
        le=60,
    )


def listing_url(value: str) -> str:
    """A listing's address as given, or ValueError saying what a usable one looks like."""
    if len(value) > 2000 or not re.fullmatch(r"https?://[^\s/]+\.\S*", value):
        raise ValueError(
            "give the listing's whole web address, starting with https:// (copy it from the "
            "browser's address bar)"
        )
    return value


# A listing's address: a whole http(s) URL, as a browser's address bar shows it.
ListingUrl = Annotated[str, AfterValidator(listing_url)]


class LocationSettings(Section):
    """Settings for one location, matched by its Google name or store code."""

    match: str = Field(
        description='The location\'s Google name ("locations/1234567") or its store code.',
        json_schema_extra={"example": "ATX-001"},
        min_length=1,
    )
    enabled: StrictBool = documented(True, "false: collectors skip this location.")
    alert_recipients: list[EmailStr] = documented(
        [],
        "Who gets this location's alerts and digest besides alerts.recipients.",
        example=["north.manager@example-clinic.com"],
    )
    website: str | None = documented(
        None,
        "The page the website audit reads, when not the website on the Google profile.",
        example="https://www.example-clinic.com/locations/south-lamar",
    )
    review_link: str | None = documented(
        None,
        "Where posters send patients when Google has no review link for the location "
        "(another review site).",
        example="https://www.healthgrades.com/review/XYZ",
    )
    center: tuple[Latitude, Longitude] | None = documented(
        None,
        "The centre of this location's map rank grid as [latitude, longitude]. Unset: the "
        "pin on the Google profile, else where Google Places puts the place. Set it for a "
        "service-area business (the middle of the area it serves).",
        example=[30.2672, -97.7431],
    )
    listings: list[ListingUrl] = documented(
        [],
        "This location's listings on other sites (Healthgrades, Zocdoc, Vitals, Yelp, Facebook, "
        "Apple Maps, Bing Places, a state association's or an insurer's directory): the weekly "
        "listings check compares each one's name, address and phone with the Google profile. "
        "The Listings page can add more.",
        example=["https://www.healthgrades.com/group-directory/tx-texas/austin/riverbend-pt"],
    )


class Settings(Section):
    """Everything seo-monitor can be told, validated once and passed down."""

    data_dir: ConfigPath = documented(
        Path("data"),
        "Folder for the SQLite database, the Google token and database backups.",
    )
    database: DatabaseSettings = DatabaseSettings()
    google: GoogleSettings = GoogleSettings()
    reviews: ReviewSettings = ReviewSettings()
    replies: ReplySettings = ReplySettings()
    posters: PosterSettings = PosterSettings()
    rankings: RankingSettings = RankingSettings()
    alerts: AlertSettings = AlertSettings()
    dashboard: DashboardSettings = DashboardSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    logging: LoggingSettings = LoggingSettings()
    website: WebsiteSettings = WebsiteSettings()
    referrals: ReferralSettings = ReferralSettings()
    referral_kit: ReferralKitSettings = ReferralKitSettings()
    review_requests: ReviewRequestSettings = ReviewRequestSettings()
    profile_guard: ProfileGuardSettings = ProfileGuardSettings()
    report: ReportSettings = ReportSettings()
    locations: list[LocationSettings] = documented(
        [], "Per-location settings: one [[locations]] table each (see the example below)."
    )

    def location_settings(self, name: str, store_code: str | None) -> LocationSettings | None:
        return next((c for c in self.locations if c.match in (name, store_code)), None)

    @property
    def database_url(self) -> str:
        if self.database.url is not None:
            return self.database.url
        return f"sqlite:///{self.data_dir / 'seo-monitor.db'}"

    @property
    def google_token_file(self) -> Path:
        return self.google.token_file or self.data_dir / "google-token.json"

    @property
    def referral_key_file(self) -> Path:
        return self.referrals.patient_key_file or self.data_dir / "referral-key"


def is_loopback(host: str | None) -> bool:
    """127.0.0.1, ::1 or localhost; an empty host means every interface (not loopback)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secret(model: type[BaseModel], field_name: str) -> bool:
    extra = model.model_fields[field_name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))


def section_models() -> dict[str, type[Section]]:
    """The [section] tables of config.toml, by name."""
    sections: dict[str, type[Section]] = {}
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, Section):
            sections[name] = annotation
    return sections


def table_list_models() -> dict[str, type[Section]]:
    """The [[array]] tables of config.toml (per-item settings), by name."""
    tables: dict[str, type[Section]] = {}
    for name, field in Settings.model_fields.items():
        args: tuple[Any, ...] = getattr(field.annotation, "__args__", ())
        if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], Section):
            tables[name] = args[0]
    return tables
