"""The demo's sandbox world kept in a file beside the demo database.

The database remembers what the collectors read from the sandbox: replies posted, reviews
that arrived while the demo clock ran. A world rebuilt from its seed at the next start
has none of it, and the next sync marks those reviews deleted and the replies gone. So the
demo saves its world after every change and continues it at the next start.

Clinics follow from the seed and are rebuilt; reviews and profile changes are stored (review
texts follow from their own seeds), with the clock and the step count that seeds the next
change.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from seo_monitor.errors import UserError
from seo_monitor.private_files import write_private_text
from seo_monitor.sandbox.world import Reply, SandboxReview, World

WORLD_FILE = "sandbox-world.json"
FORMAT = 1


def world_state(world: World) -> dict[str, Any]:
    with world.lock:
        return {
            "format": FORMAT,
            "seed": world.seed,
            "now": world.now.isoformat(),
            "steps": world._steps,
            "locations": len(world.locations),
            "reviews": {
                loc.location_id: [_review(r) for r in loc.reviews] for loc in world.locations
            },
            "profiles": {
                loc.location_id: [loc.profile_edits, loc.google_updates, loc.pending_edits]
                for loc in world.locations
            },
        }


def _review(r: SandboxReview) -> list[Any]:
    reply = r.reply
    return [
        r.review_id,
        r.text_seed,
        r.rating,
        r.create_time.isoformat(),
        r.update_time.isoformat(),
        r.rating_only,
        r.translated,
        r.anonymous,
        r.edits,
        r.deleted,
        [reply.comment, reply.update_time.isoformat(), reply.state, reply.policy_violation]
        if reply
        else None,
    ]


def restore_world(state: dict[str, Any]) -> World:
    world = World(
        seed=int(state["seed"]),
        locations=int(state["locations"]),
        now=datetime.fromisoformat(state["now"]),
        reviews_per_location=0,
    )
    world._steps = int(state["steps"])
    for location in world.locations:
        location.reviews = [
            _restored(location.location_id, row) for row in state["reviews"][location.location_id]
        ]
        if "profiles" in state:  # worlds saved before profiles changed keep the built ones
            edits, updates, *pending = state["profiles"][location.location_id]
            location.profile_edits, location.google_updates = dict(edits), dict(updates)
            location.pending_edits = dict(pending[0]) if pending else {}
    return world


def _restored(location_id: str, row: list[Any]) -> SandboxReview:
    (
        review_id,
        seed,
        rating,
        created,
        updated,
        only,
        translated,
        anonymous,
        edits,
        deleted,
        reply,
    ) = row
    return SandboxReview(
        review_id=review_id,
        location_id=location_id,
        text_seed=seed,
        rating=rating,
        create_time=datetime.fromisoformat(created),
        update_time=datetime.fromisoformat(updated),
        rating_only=only,
        translated=translated,
        anonymous=anonymous,
        edits=edits,
        deleted=deleted,
        reply=Reply(reply[0], datetime.fromisoformat(reply[1]), reply[2], reply[3])
        if reply
        else None,
    )


def save_world(world: World, path: Path) -> None:
    """Write the world next to `path` and move it into place: a crash mid-write keeps the
    previous file."""
    partial = path.with_name(path.name + ".partial")
    write_private_text(partial, json.dumps(world_state(world), separators=(",", ":")))
    os.replace(partial, path)


def load_world(path: Path, locations: int, now: datetime) -> tuple[World, bool]:
    """The world saved at `path`, its clock moved on to `now` if it is behind (the reviews
    of the days in between arrive); a new world when there is no file. Also says whether
    the world was continued."""
    if not path.exists():
        return World(seed=1, locations=locations, now=now), False
    try:
        world = restore_world(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise UserError(
            f"{path} cannot be read ({exc.__class__.__name__}); delete the demo folder for a "
            "new demo (database and sandbox together)"
        ) from None
    if len(world.locations) != locations:
        raise UserError(
            f"the demo in {path.parent.parent} has {len(world.locations)} clinics: run it with "
            f"--locations {len(world.locations)}, or give another --dir for a new demo"
        )
    if world.now < now:
        world.advance((now - world.now).total_seconds() / 60)
    return world, True
