"""The profile guard: each watched field read as a person compares it, a change recorded once
with before and after, Google's own values asked for and shown, and an alert sent exactly once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.profile import watched_fields
from seo_monitor.alerts import send_due
from seo_monitor.alerts.outbox import Batch
from seo_monitor.alerts.render import compose
from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import LocationSettings, ProfileField, Settings
from seo_monitor.errors import CollectorError
from seo_monitor.models import Location, Notification, ProfileChange, ProfileState
from seo_monitor.profile_guard import WATCHED, fields_in_mask
from seo_monitor.queries import (
    Period,
    build_digest,
    select_google_updates,
    select_pending_edits,
    select_profile_changes,
)
from seo_monitor.sandbox import World
from tests.conftest import CliRun
from tests.smtp import Sink

# A Location as Business Information v1 returns it (field names and shapes from its discovery
# document): a night shift on Friday, a closed holiday, two categories, two phones.
LOCATION = {
    "name": "locations/1",
    "title": "Riverbend Physical Therapy",
    "categories": {
        "primaryCategory": {"name": "categories/gcid:physiotherapist", "displayName": "Physical therapist"},
        "additionalCategories": [
            {"name": "categories/gcid:sports_medicine_clinic", "displayName": "Sports medicine clinic"},
            {"name": "categories/gcid:chiropractor", "displayName": "Chiropractor"},
        ],
    },
    "phoneNumbers": {"primaryPhone": "(512) 555-0100", "additionalPhones": ["(512) 555-0199"]},
    "websiteUri": "https://riverbend.example/",
    "storefrontAddress": {
        "regionCode": "US",
        "postalCode": "78704",
        "administrativeArea": "TX",
        "locality": "Austin",
        "addressLines": ["1200 S Lamar Blvd", "Suite 110"],
    },
    "latlng": {"latitude": 30.2466123456, "longitude": -97.7836},
    "regularHours": {
        "periods": [
            {"openDay": "FRIDAY", "openTime": {"hours": 22}, "closeDay": "SATURDAY", "closeTime": {"hours": 6}},
            {"openDay": "MONDAY", "openTime": {"hours": 7, "minutes": 30}, "closeDay": "MONDAY", "closeTime": {"hours": 19}},
        ]
    },
    "specialHours": {
        "specialHourPeriods": [
            {"startDate": {"year": 2026, "month": 12, "day": 25}, "closed": True},
            {"startDate": {"year": 2026, "month": 12, "day": 31}, "openTime": {"hours": 9}, "closeTime": {"hours": 12}},
        ]
    },
    "profile": {"description": "One-on-one physical therapy."},
    "openInfo": {"status": "OPEN"},
}  # fmt: skip


def test_each_watched_field_reads_as_a_person_compares_it() -> None:
    assert watched_fields(LOCATION) == {
        "title": "Riverbend Physical Therapy",
        "primary_category": "Physical therapist",
        "additional_categories": ["Chiropractor", "Sports medicine clinic"],
        "phone": "(512) 555-0100",
        "additional_phones": ["(512) 555-0199"],
        "website": "https://riverbend.example/",
        "address": "1200 S Lamar Blvd, Suite 110, Austin TX 78704",
        "service_area": [],
        "map_position": "30.24661, -97.78360",
        "regular_hours": ["Mon 07:30-19:00", "Fri 22:00-Sat 06:00"],
        "special_hours": ["2026-12-25 closed", "2026-12-31 09:00-12:00"],
        "description": "One-on-one physical therapy.",
        "open_status": "OPEN",
    }
    # Google leaves empty fields out: a field it did not send is empty.
    assert watched_fields({"title": "Riverbend"}) == {
        "title": "Riverbend",
        "primary_category": None,
        "additional_categories": [],
        "phone": None,
        "additional_phones": [],
        "website": None,
        "address": None,
        "service_area": [],
        "map_position": None,
        "regular_hours": [],
        "special_hours": [],
        "description": None,
        "open_status": None,
    }


@pytest.mark.parametrize(
    ("mask", "fields"),
    [
        ("phoneNumbers.primaryPhone,regularHours.periods", {"phone", "regular_hours"}),
        ("categories", {"primary_category", "additional_categories"}),
        ("categories.additionalCategories", {"additional_categories"}),
        ("storefrontAddress.addressLines, latlng", {"address", "map_position"}),
        ("labels,serviceItems", set()),  # fields the guard does not watch
        ("", set()),
    ],
)
def test_google_field_masks_name_the_watched_fields(mask: str, fields: set[str]) -> None:
    assert fields_in_mask(mask) == fields


def test_the_settings_know_every_watched_field() -> None:
    from typing import get_args

    assert set(get_args(ProfileField)) == set(WATCHED)


def with_recipients(settings: Settings) -> Settings:
    alerts = settings.alerts.model_copy(
        update={"recipients": ["pm@clinic.example"], "from_address": "seo@clinic.example"}
    )
    return settings.model_copy(update={"alerts": alerts})


def sync(settings: Settings, sessions: sessionmaker[Session], world: World) -> dict[str, Any]:
    [summary] = collect(
        settings, sessions, ["locations"], make_client(settings), now=lambda: world.now
    )
    assert summary.status == "ok", summary
    return dict(summary.counts)


def changes(sessions: sessionmaker[Session]) -> list[tuple[str, str, Any, Any]]:
    with sessions() as session:
        rows = session.scalars(select(ProfileChange).order_by(ProfileChange.id))
        return [(c.field, c.source, c.before, c.after) for c in rows]


def test_a_change_on_the_profile_and_a_google_update_are_recorded_and_alerted_once(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    settings = with_recipients(settings)
    sync(settings, sessions, world)
    # The first sync compares with nothing, but Google's own value needs a look at once:
    # the world's first clinic shows no Saturday hours on Google.
    assert changes(sessions) == [
        (
            "regular_hours",
            "google",
            [f"{day} 07:00-19:00" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")]
            + ["Sat 08:00-12:00"],
            [f"{day} 07:00-19:00" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")],
        )
    ]
    second = world.locations[1]
    second.profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    second.google_updates["websiteUri"] = "https://capitalmotionpt.example.com/"
    world.advance(60)
    counts = sync(settings, sessions, world)
    assert counts["profile_changes"] >= 2
    recorded = changes(sessions)
    assert ("phone", "profile", second.phone, "(512) 555-7777") in recorded
    assert ("website", "google", second.website, "https://capitalmotionpt.example.com/") in recorded
    sync(settings, sessions, world)  # nothing new: nothing recorded, nothing queued
    assert changes(sessions) == recorded
    with sessions() as session:
        emails = session.scalars(select(Notification).where(Notification.kind == "profile")).all()
        assert len(emails) == len(recorded)
        updates = select_google_updates(session, None)
    assert {(u.field, u.google) for u in updates} >= {
        ("Website", "https://capitalmotionpt.example.com/"),
        (
            "Hours",
            "Mon 07:00-19:00; Tue 07:00-19:00; Wed 07:00-19:00; Thu 07:00-19:00; Fri 07:00-19:00",
        ),
    }


def test_the_alert_says_whose_value_is_which_and_where_to_fix_it(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    settings = with_recipients(settings)
    sync(settings, sessions, world)
    with sessions() as session:
        row = session.scalars(select(Notification).where(Notification.kind == "profile")).one()
        batch = Batch(row.kind, row.recipient, (row.id,), (row.payload,), (row.dedupe_key,))
    message = compose(settings.alerts, batch)
    text = message.get_body(("plain",)).get_content()
    title = world.locations[0].title
    assert message["Subject"] == f"Profile change: {title}, hours"
    assert "Yours:  Mon 07:00-19:00" in text and "Sat 08:00-12:00" in text
    assert "Google: Mon 07:00-19:00" in text
    assert "https://business.google.com/locations" in text


def test_when_google_updates_cannot_be_read_the_sync_keeps_the_last_view(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sync(settings, sessions, world)

    def unavailable(self: Any, name: str, read_mask: str) -> dict[str, Any]:
        raise CollectorError("Business Information API: HTTP 503 (gave up after 6 attempts)")

    monkeypatch.setattr(
        "collectors.google_client.GoogleClient.google_updated_location", unavailable
    )
    world.locations[2].profile_edits["title"] = "Capital Motion PT - Mueller"
    counts = sync(settings, sessions, world)
    assert counts["google_updates_unread"] == 1 and counts["profile_changes"] == 1
    with sessions() as session:
        first = session.scalars(
            select(Location).where(Location.name == f"locations/{world.locations[0].location_id}")
        ).one()
        state = session.get_one(ProfileState, first.id)
        assert set(state.google) == {"regular_hours"}  # still known, still shown
        assert (
            select_profile_changes(
                session, None, Period(world.now.date() - timedelta(days=1), world.now.date())
            )[0].after
            == "Capital Motion PT - Mueller"
        )


def test_the_weekly_digest_lists_the_changes_and_what_google_shows_instead(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    settings = with_recipients(settings)
    sync(settings, sessions, world)
    world.locations[1].profile_edits["profile.description"] = "Same-week appointments."
    sync(settings, sessions, world)
    week = Period(world.now.date() - timedelta(days=6), world.now.date())
    with sessions() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        digest = build_digest(session, settings, locations, week, world.now)
    batch = Batch("digest", "pm@clinic.example", (1,), (digest,), ("digest:test",))
    text = compose(settings.alerts, batch).get_body(("plain",)).get_content()
    section = text.split("== Business Profile ==")[1]
    first, second = world.locations[0].title, world.locations[1].title
    assert f"{first}: Google shows its own hours: Mon 07:00-19:00" in section
    assert f"{second}: description changed to Same-week appointments." in section
    assert "https://business.google.com/locations" in section


def test_the_profile_changes_command_lists_google_values_and_changes(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    make_cli: Callable[[str], CliRun],
) -> None:
    sync(settings, sessions, world)
    world.locations[1].profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    sync(settings, sessions, world)
    cli = make_cli("")
    done = cli("profile", "changes", "--since", "2026-11-01")
    assert done.returncode == 0, done.stderr
    first, second = world.locations[0].title, world.locations[1].title
    assert f"  {first} - Hours: Mon 07:00-19:00" in done.stdout
    assert (
        f"{second} - Phone: {world.locations[1].phone} -> (512) 555-7777  (on the profile)"
        in done.stdout
    )
    only = cli(
        "profile", "changes", "--since", "2026-11-01", "--location", world.locations[2].store_code
    )
    assert "Google shows every profile as its owner wrote it." in only.stdout
    assert "No profile changes since 2026-11-01." in only.stdout
    wrong = cli("profile", "changes", "--since", "2099-01-01")
    assert wrong.returncode == 2 and "in the future" in wrong.stderr


def mailing(settings: Settings, port: int, **alerts: Any) -> Settings:
    """Alert settings sending to the test SMTP server on `port`."""
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    updated = settings.alerts.model_copy(
        update={"from_address": "seo@clinic.example", **smtp, **alerts}
    )
    return settings.model_copy(update={"alerts": updated})


def test_a_profile_change_email_is_sent_once_to_each_recipient_when_their_mode_says(
    settings: Settings, sessions: sessionmaker[Session], world: World, sink: tuple[Sink, int]
) -> None:
    handler, port = sink
    settings = mailing(
        settings,
        port,
        recipients=["now@clinic.example", "daily@clinic.example", "weekly@clinic.example"],
        recipient_modes={"daily@clinic.example": "daily", "weekly@clinic.example": "weekly"},
    )
    sync(settings, sessions, world)  # Google shows its own hours for the first clinic
    assert send_due(sessions, settings, now=lambda: world.now).sent == 1
    sync(settings, sessions, world)  # nothing new
    assert send_due(sessions, settings, now=lambda: world.now).sent == 0
    later = world.now + timedelta(days=1, hours=1)  # past the next daily batch
    assert send_due(sessions, settings, now=lambda: later).sent == 1
    assert send_due(sessions, settings, now=lambda: later + timedelta(days=8)).sent == 0
    subject = f"Profile change: {world.locations[0].title}, hours"
    assert [(m["To"], m["Subject"]) for m in handler.messages] == [
        ("now@clinic.example", subject),
        ("daily@clinic.example", subject),
    ]


def test_only_changes_to_the_alert_fields_are_emailed_but_all_are_recorded(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    settings = with_recipients(settings)
    guard = settings.profile_guard.model_copy(update={"alert_fields": ["phone"]})
    settings = settings.model_copy(update={"profile_guard": guard})
    sync(settings, sessions, world)  # Google's hours: recorded, not emailed
    second = world.locations[1]
    second.profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    second.profile_edits["profile.description"] = "Same-week appointments."
    sync(settings, sessions, world)
    assert {field for field, *_ in changes(sessions)} == {"regular_hours", "phone", "description"}
    with sessions() as session:
        emails = session.scalars(select(Notification).where(Notification.kind == "profile"))
        assert [e.payload["field"] for e in emails] == ["Phone"]


def test_a_removed_website_description_or_storefront_is_a_change(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    sync(settings, sessions, world)
    second = world.locations[1]
    for path in ("websiteUri", "profile", "storefrontAddress"):  # Google leaves them out
        second.profile_edits[path] = None
    sync(settings, sessions, world)
    removed = {
        (field, after) for field, source, _, after in changes(sessions) if source == "profile"
    }
    assert removed == {("website", None), ("description", None), ("address", None)}


def test_the_first_sync_after_the_upgrade_reports_no_field_it_never_kept(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    """Before empty fields were read as empty, a state kept only the fields Google sent."""
    sync(settings, sessions, world)
    with sessions.begin() as session:
        for state in session.scalars(select(ProfileState)):
            state.fields = {k: v for k, v in state.fields.items() if v not in (None, [])}
    before = changes(sessions)
    counts = sync(settings, sessions, world)
    assert counts["profile_changes"] == 0 and changes(sessions) == before
    with sessions() as session:  # now kept, so a later removal is a change
        assert all("special_hours" in s.fields for s in session.scalars(select(ProfileState)))


def test_the_service_area_says_whether_the_storefront_is_shown_and_the_region() -> None:
    def area(kind: str, region: str = "US") -> dict[str, Any]:
        places = {
            "placeInfos": [{"placeName": "Round Rock, TX, USA"}, {"placeName": "Austin, TX, USA"}]
        }
        return {"serviceArea": {"businessType": kind, "regionCode": region, "places": places}}

    hidden = watched_fields(area("CUSTOMER_LOCATION_ONLY"))["service_area"]
    assert hidden == [
        "at customers' locations only (no storefront shown)",
        "region US",
        "Austin, TX, USA",
        "Round Rock, TX, USA",
    ]
    assert watched_fields(area("CUSTOMER_AND_BUSINESS_LOCATION"))["service_area"] != hidden
    assert watched_fields(area("CUSTOMER_LOCATION_ONLY", "CA"))["service_area"] != hidden


def test_a_service_area_kept_by_the_older_reading_is_no_change_after_the_upgrade(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    """The older reading kept only the place names: comparing them with the new reading would
    report a change on every service-area business at the first sync after the upgrade."""
    world.locations[-1].service_area = True
    sync(settings, sessions, world)
    with sessions.begin() as session:
        for state in session.scalars(select(ProfileState)):
            older = [p for p in state.fields["service_area"] if p.endswith("USA")]
            state.fields = {
                k: v for k, v in {**state.fields, "service_area": older}.items() if k != "_readings"
            }
    before = changes(sessions)
    assert sync(settings, sessions, world)["profile_changes"] == 0
    assert changes(sessions) == before
    # Kept by the new reading now: hiding the storefront of a storefront clinic is a change.
    clinic = next(w for w in world.locations if not w.service_area)
    clinic.profile_edits["storefrontAddress"] = None
    clinic.profile_edits["serviceArea"] = {
        "businessType": "CUSTOMER_LOCATION_ONLY",
        "regionCode": "US",
        "places": {"placeInfos": [{"placeName": "Austin, TX, USA"}]},
    }
    sync(settings, sessions, world)
    assert [(f, after) for f, _, _, after in changes(sessions)[len(before) :]] == [
        ("address", None),
        (
            "service_area",
            ["at customers' locations only (no storefront shown)", "region US", "Austin, TX, USA"],
        ),
    ]


def test_an_edit_waiting_for_googles_review_is_shown_until_google_publishes_it(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    make_cli: Callable[[str], CliRun],
) -> None:
    sync(settings, sessions, world)
    clinic = world.locations[1]
    old = f"{clinic.title}: physical therapy"
    clinic.pending_edits["profile.description"] = "Same-week appointments."
    sync(settings, sessions, world)
    with sessions() as session:
        [waiting] = select_pending_edits(session, None)
    assert (waiting.location, waiting.field, waiting.yours) == (
        clinic.title,
        "Description",
        "Same-week appointments.",
    )
    assert waiting.shown.startswith(old)
    # The owner's data has it: a change on the profile, recorded (and alerted) once.
    assert ("description", "profile") in {(f, s) for f, s, _, _ in changes(sessions)}
    listed = make_cli("")("profile", "changes").stdout
    assert "Your edits waiting for Google's review" in listed
    assert f"  {clinic.title} - Description: Same-week appointments.  (still shown: {old}" in listed
    week = Period(world.now.date() - timedelta(days=6), world.now.date())
    with sessions() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        digest = build_digest(session, settings, locations, week, world.now)
    batch = Batch("digest", "pm@clinic.example", (1,), (digest,), ("digest:test",))
    text = compose(with_recipients(settings).alerts, batch).get_body(("plain",)).get_content()
    assert (
        f"{clinic.title}: your description edit (Same-week appointments.) is waiting for "
        f"Google's review; Maps and Search still show {old}"
    ) in text
    # Google publishes it: nothing waits, and nothing new is recorded.
    clinic.profile_edits.update(clinic.pending_edits)
    clinic.pending_edits.clear()
    before = changes(sessions)
    sync(settings, sessions, world)
    with sessions() as session:
        assert select_pending_edits(session, None) == []
    assert changes(sessions) == before
    assert "waiting for Google's review" not in make_cli("")("profile", "changes").stdout


def test_a_change_marked_reviewed_leaves_the_digest_and_the_unreviewed_list(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    make_cli: Callable[[str], CliRun],
) -> None:
    sync(settings, sessions, world)
    second = world.locations[1]
    second.profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    second.profile_edits["profile.description"] = "Same-week appointments."
    sync(settings, sessions, world)
    with sessions() as session:
        phone = session.scalars(select(ProfileChange).where(ProfileChange.field == "phone")).one()
    cli = make_cli("")
    done = cli("profile", "review", str(phone.id), "--as", "Dana (agency)")
    assert done.returncode == 0 and f"Change #{phone.id} marked as reviewed." in done.stdout
    again = cli("profile", "review", str(phone.id))
    assert f"Change #{phone.id} was reviewed already." in again.stdout
    unknown = cli("profile", "review", "99999")
    assert unknown.returncode == 2 and "there is no profile change #99999" in unknown.stderr
    every = cli("profile", "changes", "--since", "2026-11-01").stdout
    assert f"#{phone.id} " in every and "(on the profile, reviewed by Dana (agency))" in every
    open_only = cli("profile", "changes", "--since", "2026-11-01", "--unreviewed").stdout
    assert "Unreviewed profile changes since 2026-11-01" in open_only
    assert "(512) 555-7777" not in open_only and "Same-week appointments." in open_only
    with sessions() as session:
        stored = session.get_one(ProfileChange, phone.id)
        assert stored.reviewed_by == "Dana (agency)" and stored.reviewed_at is not None
    week = Period(world.now.date() - timedelta(days=6), world.now.date())
    with sessions() as session:
        locations = list(session.scalars(select(Location).order_by(Location.title)))
        digest = build_digest(session, settings, locations, week, world.now)
    batch = Batch("digest", "pm@clinic.example", (1,), (digest,), ("digest:test",))
    text = compose(with_recipients(settings).alerts, batch).get_body(("plain",)).get_content()
    section = text.split("== Business Profile ==")[1]
    assert "description changed to Same-week appointments." in section
    assert "555-7777" not in section


def test_an_accepted_google_update_is_recorded_but_not_alerted_twice(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    settings = with_recipients(settings)
    sync(settings, sessions, world)  # Google shows its own hours for the first clinic: alerted
    first = world.locations[0]
    for path in list(first.google_updates):  # the owner accepts it on Google
        first.profile_edits[path] = first.google_updates.pop(path)
    sync(settings, sessions, world)
    assert [(f, s) for f, s, _, _ in changes(sessions)] == [
        ("regular_hours", "google"),
        ("regular_hours", "profile"),
    ]
    with sessions() as session:
        emails = session.scalars(select(Notification).where(Notification.kind == "profile")).all()
    assert [e.payload["source"] for e in emails] == ["google"]


def test_a_location_switched_off_in_config_is_not_watched(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    second = world.locations[1]
    off = LocationSettings(match=second.store_code, enabled=False)
    settings = settings.model_copy(update={"locations": [off]})
    sync(settings, sessions, world)
    second.profile_edits["phoneNumbers.primaryPhone"] = "(512) 555-7777"
    world.advance(60)
    sync(settings, sessions, world)
    assert "(512) 555-7777" not in [after for _, _, _, after in changes(sessions)]
    with sessions() as session:
        watched = {state.location_id for state in session.scalars(select(ProfileState))}
        switched_off = session.scalars(
            select(Location.id).where(Location.store_code == second.store_code)
        ).one()
    assert switched_off not in watched and len(watched) == len(world.locations) - 1
