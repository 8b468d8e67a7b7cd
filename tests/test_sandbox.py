"""The sandbox answers like Google: real discovery documents, real shapes, deterministic data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from collectors.google_client import GoogleClient, load_credentials
from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import Review
from seo_monitor.replies.posting import post_reply
from seo_monitor.sandbox import World, running_sandbox
from seo_monitor.sandbox.demo import write_demo_config
from seo_monitor.sandbox.faults import FaultPlan, FaultSpecError
from seo_monitor.sandbox.server import PLACES_API_KEY, SandboxServer
from seo_monitor.sandbox.world_file import WORLD_FILE, load_world, save_world
from tests.conftest import WORLD_NOW, sandbox_settings


def service(server: SandboxServer, api: str, **kwargs: object):
    return build(
        api,
        "v1",
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": f"{server.url}/{api}/"},
        **kwargs,
    )


def test_places_text_search_pages_ids_only_and_ranks_the_nearby_clinic_high(
    sandbox: SandboxServer, world: World
) -> None:
    places = service(sandbox, "places", developerKey=PLACES_API_KEY)
    clinic = world.locations[0]
    body = {
        "textQuery": "physical therapy",
        "pageSize": 20,
        "locationBias": {
            "circle": {
                "center": {"latitude": clinic.latitude, "longitude": clinic.longitude},
                "radius": 3000,
            }
        },
    }
    ids: list[str] = []
    request = places.places().searchText(body=body, fields="places.id,nextPageToken")
    while request is not None and len(ids) < 60:
        answer = request.execute()
        assert all(set(place) == {"id"} for place in answer["places"])  # the ID-only mask
        ids += [place["id"] for place in answer["places"]]
        token = answer.get("nextPageToken")
        request = (
            places.places().searchText(
                body={**body, "pageToken": token}, fields="places.id,nextPageToken"
            )
            if token
            else None
        )
    assert 20 < len(ids) <= 60 and len(set(ids)) == len(ids)
    assert clinic.place_id in ids[:5]


def test_place_details_with_the_smallest_field_mask(sandbox: SandboxServer, world: World) -> None:
    places = service(sandbox, "places", developerKey=PLACES_API_KEY)
    place = (
        places.places()
        .get(name=f"places/{world.locations[1].place_id}", fields="id,rating,userRatingCount")
        .execute()
    )
    assert set(place) == {"id", "rating", "userRatingCount"} and 1 <= place["rating"] <= 5


def test_places_needs_a_field_mask_and_a_key(sandbox: SandboxServer) -> None:
    url = f"{sandbox.url}/places/v1/places:searchText"
    no_mask = requests.post(
        url, json={"textQuery": "pt"}, headers={"X-Goog-Api-Key": PLACES_API_KEY}, timeout=5
    )
    assert no_mask.status_code == 400 and "FieldMask" in no_mask.json()["error"]["message"]
    no_key = requests.post(
        url, json={"textQuery": "pt"}, headers={"X-Goog-FieldMask": "places.id"}, timeout=5
    )
    assert no_key.status_code == 401


def test_search_console_rows_by_query_for_a_clinic_site(
    sandbox: SandboxServer, world: World, tmp_path: Path
) -> None:
    write_demo_config(tmp_path, sandbox.url)
    credentials: Credentials = load_credentials(
        tmp_path / "data" / "google-token.json", sandbox.url
    )
    console = service(sandbox, "searchconsole", credentials=credentials)
    site = world.locations[0].website
    body = {
        "startDate": "2026-10-01",
        "endDate": "2026-10-07",
        "dimensions": ["query"],
        "rowLimit": 5,
    }
    rows = console.searchanalytics().query(siteUrl=site, body=body).execute()["rows"]
    assert len(rows) == 5 and all(
        len(r["keys"]) == 1 and r["impressions"] >= r["clicks"] for r in rows
    )
    assert rows == sorted(rows, key=lambda r: -r["clicks"])


def test_the_same_seed_builds_the_same_world() -> None:
    def fingerprint(world: World) -> str:
        return json.dumps(
            [
                (
                    loc.title,
                    [
                        (r.review_id, r.rating, r.comment(), str(r.update_time))
                        for r in world.live_reviews(loc)
                    ],
                )
                for loc in world.locations
            ]
        )

    assert fingerprint(World(seed=3, locations=2, now=WORLD_NOW)) == fingerprint(
        World(seed=3, locations=2, now=WORLD_NOW)
    )
    assert fingerprint(World(seed=3, locations=2, now=WORLD_NOW)) != fingerprint(
        World(seed=4, locations=2, now=WORLD_NOW)
    )


def test_advancing_the_clock_brings_new_reviews_edits_replies_and_deletions() -> None:
    world = World(seed=3, locations=5, now=WORLD_NOW)
    changes = world.advance(60 * 24 * 30)
    assert world.now == WORLD_NOW + timedelta(days=30)
    assert (
        changes["new"] > 20
        and changes["replied"] > 5
        and changes["edited"] + changes["deleted"] > 0
    )
    assert sum(r.deleted for loc in world.locations for r in loc.reviews) == changes["deleted"]


def test_review_texts_cover_the_healthcare_topics() -> None:
    world = World(seed=3, locations=3, now=WORLD_NOW)
    texts = " ".join(r.comment() or "" for loc in world.locations for r in loc.reviews).lower()
    for word in (
        "front desk",
        "waited",
        "billed",
        "insurance",
        "therapist",
        "pain",
        "exercise",
        "parking",
        "phone",
    ):
        assert word in texts, word
    assert "(translated by google)" in texts


@pytest.mark.parametrize("spec", ["5xx=2", "teapot=0.1", "5xx", "5xx=x"])
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultPlan.parse(spec)


def test_faults_can_target_one_api() -> None:
    plan = FaultPlan.parse("mybusiness:5xx=1")
    assert plan.pick("mybusiness") == "5xx" and plan.pick("businessprofileperformance") is None


def fingerprint(world: World) -> list[object]:
    """Every review as it reads, and every profile's changes (the owner's and Google's)."""
    return [
        (
            r.review_id,
            r.rating,
            r.comment(),
            r.update_time,
            r.deleted,
            r.reply.comment if r.reply else None,
        )
        for loc in world.locations
        for r in loc.reviews
    ] + [(loc.profile_edits, loc.google_updates, loc.pending_edits) for loc in world.locations]


def test_a_saved_world_continues_as_the_original_would(tmp_path: Path) -> None:
    original = World(seed=3, locations=2, now=WORLD_NOW)
    original.advance(60 * 24 * 60)  # two months: profiles changed too
    assert any(loc.profile_edits for loc in original.locations)
    save_world(original, tmp_path / WORLD_FILE)
    restored, continued = load_world(tmp_path / WORLD_FILE, 2, WORLD_NOW)
    assert continued and fingerprint(restored) == fingerprint(original)
    for world in (original, restored):  # the same next changes
        world.advance(60 * 24 * 5)
    assert fingerprint(restored) == fingerprint(original)


def test_now_and_then_an_owners_edit_waits_for_googles_review_for_about_a_day() -> None:
    world = World(seed=3, locations=4, now=WORLD_NOW, reviews_per_location=0)
    waited: dict[tuple[str, str], int] = {}  # (location, field path) -> days seen pending
    for _ in range(240):
        world.advance(60 * 24)
        for loc in world.locations:
            for path in loc.pending_edits:
                waited[loc.location_id, path] = waited.get((loc.location_id, path), 0) + 1
    assert waited, "no edit ever waited for Google's review"
    assert max(waited.values()) <= 10  # Google publishes them: none waits for good
    assert any(loc.profile_edits for loc in world.locations)  # most go straight through


def test_a_demo_restarted_later_catches_up_and_a_different_size_is_refused(
    tmp_path: Path,
) -> None:
    save_world(World(seed=1, locations=3, now=WORLD_NOW), tmp_path / WORLD_FILE)
    world, _ = load_world(tmp_path / WORLD_FILE, 3, WORLD_NOW + timedelta(days=10))
    assert world.now == WORLD_NOW + timedelta(days=10)
    with pytest.raises(UserError, match="--locations 3"):
        load_world(tmp_path / WORLD_FILE, 5, WORLD_NOW)


def test_a_restarted_demo_keeps_the_replies_it_posted_and_the_reviews_that_arrived(
    tmp_path: Path, database_url: str, sessions: sessionmaker[Session]
) -> None:
    """Rebuilding the world at each start lost the replies posted and the reviews that had
    arrived: the next full sync marked them deleted, the reply log still said posted."""
    world_file = tmp_path / "data" / WORLD_FILE

    def demo(act: Callable[[World, Settings, GoogleClient], None], later: timedelta) -> World:
        world, _ = load_world(world_file, 3, WORLD_NOW)
        world.on_change = lambda changed: save_world(changed, world_file)
        with running_sandbox(world, quota_per_minute=100_000) as server:
            settings = sandbox_settings(server, tmp_path / "demo", database_url)
            client = make_client(settings)
            jobs = ["locations", "reviews"]
            collect(settings, sessions, jobs, client, now=lambda: world.now + later)
            act(world, settings, client)
        return world

    def first(world: World, settings: Settings, client: GoogleClient) -> None:
        world.advance(60 * 24 * 3)  # the demo clock runs: new reviews arrive
        collect(settings, sessions, ["reviews"], client, now=lambda: world.now)
        post_reply(sessions, client, unanswered(sessions), REPLY, "coordinator")

    demo(first, timedelta(0))
    world = demo(lambda *_: None, timedelta(days=8))  # a full sync this time
    with sessions() as session:
        reviews = session.scalars(select(Review)).all()
        deleted = {r.external_id for r in reviews if r.deleted_at is not None}
        replied = [r for r in reviews if r.reply_text == REPLY]
    gone = {r.review_id for loc in world.locations for r in loc.reviews if r.deleted}
    assert deleted == gone and len(replied) == 1
    assert len(reviews) == sum(len(loc.reviews) for loc in world.locations)


REPLY = "Thank you for your feedback. Please call our practice manager at (512) 555-0100."


def unanswered(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        review_id = session.scalars(
            select(Review.id).where(Review.reply_text.is_(None), Review.deleted_at.is_(None))
        ).first()
    assert review_id is not None
    return review_id
