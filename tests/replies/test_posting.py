"""Answering reviews through the sandbox Google: checked, posted, followed, logged — never lost."""

from __future__ import annotations

import csv
import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from seo_monitor.app.jobs import collect, make_client
from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.models import ReplyLog, Review
from seo_monitor.replies.posting import delete_reply, post_reply
from seo_monitor.sandbox import World, running_sandbox
from tests.conftest import sandbox_settings

SAFE = "Thank you for your feedback. Please call our practice manager at (512) 555-0100."
UNSAFE = "Hi there, sorry your knee still hurts after your visit on Tuesday."


def collected(settings: Settings, sessions: sessionmaker[Session], world: World) -> int:
    """Collect the sandbox's reviews; return the id of an unanswered Google review."""
    collect(
        settings, sessions, ["locations", "reviews"], make_client(settings), now=lambda: world.now
    )
    with sessions() as session:
        return session.scalars(
            select(Review.id).where(Review.reply_text.is_(None), Review.deleted_at.is_(None))
        ).first()


def sandbox_review(world: World, sessions: sessionmaker[Session], review_id: int):  # type: ignore[no-untyped-def]
    with sessions() as session:
        external = session.get_one(Review, review_id).external_id
    return next(
        r for loc in world.locations for r in world.live_reviews(loc) if r.review_id == external
    )


def log_rows(sessions: sessionmaker[Session]) -> list[ReplyLog]:
    with sessions() as session:
        return list(session.scalars(select(ReplyLog).order_by(ReplyLog.id)))


def test_a_safe_reply_is_posted_followed_to_approved_and_logged(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    review_id = collected(settings, sessions, world)
    outcome = post_reply(sessions, make_client(settings), review_id, SAFE, "coordinator")
    assert (outcome.status, outcome.reply_state) == ("accepted", "APPROVED")
    assert sandbox_review(world, sessions, review_id).reply.comment == SAFE
    with sessions() as session:
        review = session.get_one(Review, review_id)
        assert (review.reply_text, review.reply_state) == (SAFE, "APPROVED")
    [entry] = log_rows(sessions)
    assert (entry.action, entry.actor, entry.api_status, entry.reply_state) == (
        "post",
        "coordinator",
        "accepted",
        "APPROVED",
    )
    assert entry.text == SAFE and entry.findings == []


def test_findings_block_the_reply_unless_a_person_gives_a_reason(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    review_id = collected(settings, sessions, world)
    client = make_client(settings)
    blocked = post_reply(sessions, client, review_id, UNSAFE, "coordinator")
    assert blocked.status == "blocked"
    assert {f.category for f in blocked.findings} >= {"health", "patient_status", "care_date"}
    assert sandbox_review(world, sessions, review_id).reply is None  # Google never saw it
    calls = client.total_calls
    forced = post_reply(
        sessions, client, review_id, UNSAFE, "manager", override_reason="Patient asked us to"
    )
    assert client.total_calls > calls
    # Google's own check rejects it, as it rejects personal information.
    assert (forced.reply_state, forced.policy_violation) == ("REJECTED", "PERSONAL_INFO")
    first, second = log_rows(sessions)
    assert (first.api_status, first.override_reason) == ("blocked", None)
    assert first.findings and first.findings[0]["text"]
    assert (
        second.api_status,
        second.override_reason,
        second.reply_state,
        second.policy_violation,
    ) == ("accepted", "Patient asked us to", "REJECTED", "PERSONAL_INFO")


def test_an_api_failure_leaves_the_review_unanswered_and_the_retry_posts(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    tmp_path: Path,
    database_url: str,
) -> None:
    review_id = collected(settings, sessions, world)
    with running_sandbox(world, "mybusiness:5xx=1", quota_per_minute=100_000) as broken:
        failing = sandbox_settings(broken, tmp_path / "broken", database_url, max_attempts=2)
        outcome = post_reply(sessions, make_client(failing), review_id, SAFE, "coordinator")
    assert outcome.status == "failed" and "HTTP 5" in (outcome.error or ""), outcome.error
    with sessions() as session:
        assert session.get_one(Review, review_id).reply_text is None  # not counted as answered
    assert log_rows(sessions)[0].api_status == "failed"
    retry = post_reply(sessions, make_client(settings), review_id, SAFE, "coordinator")
    assert retry.reply_state == "APPROVED"
    assert [e.api_status for e in log_rows(sessions)] == ["failed", "accepted"]


def test_edit_and_delete_are_logged_the_same_way(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    review_id = collected(settings, sessions, world)
    client = make_client(settings)
    post_reply(sessions, client, review_id, SAFE, "coordinator")
    post_reply(sessions, client, review_id, "Thank you for the feedback!", "coordinator")
    delete_reply(sessions, client, review_id, "manager")
    assert [(e.action, e.api_status) for e in log_rows(sessions)] == [
        ("post", "accepted"),
        ("edit", "accepted"),
        ("delete", "deleted"),
    ]
    assert sandbox_review(world, sessions, review_id).reply is None
    with sessions() as session:
        assert session.get_one(Review, review_id).reply_text is None
    with pytest.raises(UserError, match="no reply to delete"):
        delete_reply(sessions, client, review_id, "manager")


def test_bad_replies_and_reviews_get_a_clear_message(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    review_id = collected(settings, sessions, world)
    client = make_client(settings)
    with pytest.raises(UserError, match="empty"):
        post_reply(sessions, client, review_id, "   ", "coordinator")
    with pytest.raises(UserError, match="4,096"):
        post_reply(sessions, client, review_id, "Thanks! " * 600, "coordinator")
    with pytest.raises(UserError, match="no review with id"):
        post_reply(sessions, client, 999_999, SAFE, "coordinator")
    with sessions.begin() as session:
        review = session.get_one(Review, review_id)
        review.source, review.resource_name = "yelp", None
    with pytest.raises(UserError, match="came from yelp"):
        post_reply(sessions, client, review_id, SAFE, "coordinator")
    assert log_rows(sessions) == []  # nothing was tried, nothing to log


def run_cli(config: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    return subprocess.run(
        [sys.executable, "-m", "seo_monitor", "--config", str(config), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_reply_commands(
    settings: Settings, sessions: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    review_id = collected(settings, sessions, world)
    config = tmp_path / "config.toml"
    lint = run_cli(config, "reply", "lint", "--review", str(review_id), "--json", UNSAFE)
    assert lint.returncode == 1
    assert {f["category"] for f in json.loads(lint.stdout)} >= {"health", "care_date"}
    assert run_cli(config, "reply", "lint", "-", stdin=SAFE).returncode == 0
    assert run_cli(config, "reply", "lint", "x" * 5000).returncode == 2
    blocked = run_cli(config, "reply", "post", "--review", str(review_id), "--text", UNSAFE)
    assert (
        blocked.returncode == 1
        and "Not posted" in blocked.stdout
        and "--override" in blocked.stdout
    )
    posted = run_cli(
        config, "reply", "post", "--review", str(review_id), "--text", SAFE, "--as", "Dana"
    )
    assert posted.returncode == 0, posted.stderr
    assert "Google approved" in posted.stdout
    export = tmp_path / "reply-log.csv"
    assert run_cli(config, "reply", "log", "--csv", str(export)).returncode == 0
    with export.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["action"], r["api_status"], r["who"]) for r in rows] == [
        ("post", "blocked", getpass.getuser()),  # --as defaults to the person at the terminal
        ("post", "accepted", "Dana"),
    ]
    assert "health" in rows[0]["findings"] and rows[1]["reply_state"] == "APPROVED"


def test_the_review_job_follows_replies_still_waiting_for_moderation(
    settings: Settings, sessions: sessionmaker[Session], world: World
) -> None:
    review_id = collected(settings, sessions, world)
    post_reply(sessions, make_client(settings), review_id, SAFE, "coordinator")
    with sessions.begin() as session:  # as if Google had not decided yet when we last asked
        session.scalars(select(ReplyLog)).one().reply_state = "PENDING"
    collect(settings, sessions, ["reviews"], make_client(settings), now=lambda: world.now)
    assert log_rows(sessions)[0].reply_state == "APPROVED"


def test_the_reply_log_csv_opens_in_a_spreadsheet_as_text_not_formulas(
    settings: Settings, sessions: sessionmaker[Session], world: World, tmp_path: Path
) -> None:
    review_id = collected(settings, sessions, world)
    config = tmp_path / "config.toml"
    hostile = ['=HYPERLINK("http://evil.example/","Click")', "=cmd|' /C calc'!A0", "@SUM(1+1)"]
    posted = run_cli(
        config, "reply", "post", "--review", str(review_id), "--text", hostile[0],
        "--as", hostile[1], "--override", hostile[2],
    )  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    export = tmp_path / "reply-log.csv"
    assert run_cli(config, "reply", "log", "--csv", str(export)).returncode == 0
    with export.open(newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["text"], row["who"], row["override_reason"]) == tuple(f"'{h}" for h in hostile)
    missing = run_cli(config, "reply", "log", "--csv", str(tmp_path / "no" / "log.csv"))
    assert missing.returncode == 2 and "the folder" in missing.stderr
    assert "Traceback" not in missing.stderr


COMMAND = [sys.executable, "-m", "seo_monitor"]


def test_reply_lint_refuses_standard_input_that_is_not_utf8(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    done = subprocess.run(
        [*COMMAND, "--config", str(tmp_path / "none.toml"), "reply", "lint", "-"],
        env=env,
        input="Gracias por su reseña".encode("latin-1"),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and b"not UTF-8" in done.stderr and b"Traceback" not in done.stderr


def test_reply_lint_knows_the_practices_staff_and_office_phone(tmp_path: Path) -> None:
    """The practice's details in [replies] reach the check the CLI runs (the reply editor and
    posting go through the same PracticeDetails.check)."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "db.sqlite"}"\n'
        '[replies]\nstaff_names = ["Jenna Ruiz"]\noffice_phone = "(512) 555-0142"\n'
    )
    office = run_cli(config, "reply", "lint", "We left a message at (512) 555-0142 for you.")
    assert office.returncode == 0, office.stdout + office.stderr
    assert "No patient information found." in office.stdout
    other = run_cli(config, "reply", "lint", "We left a message at (512) 555-0199 for you.")
    assert other.returncode == 1 and "contact" in other.stdout
    staff = run_cli(config, "reply", "lint", "Jenna was happy to help you with it.")
    assert staff.returncode == 1 and "name" in staff.stdout
    # Without the configuration the same words are judged without the practice's details.
    none = tmp_path / "none.toml"
    assert (
        run_cli(none, "reply", "lint", "We left a message at (512) 555-0142 for you.").returncode
        == 1
    )


class RejectingAtOnce:
    """Google answering the reply's PUT itself with REJECTED and the policy broken."""

    def __init__(self, violation: object) -> None:
        self.violation = violation

    def get_review(self, review_name: str) -> dict[str, object]:
        raise AssertionError("a settled answer needs no second read")

    def update_reply(self, review_name: str, comment: str) -> dict[str, object]:
        return {
            "comment": comment,
            "updateTime": "2026-11-02T15:00:00Z",
            "reviewReplyState": "REJECTED",
            "policyViolation": self.violation,
        }

    def delete_reply(self, review_name: str) -> dict[str, object]:
        return {}


@pytest.mark.parametrize(
    ("violation", "recorded"), [("PERSONAL_INFO", "PERSONAL_INFO"), ({"odd": 1}, None)]
)
def test_a_reply_rejected_in_googles_first_answer_records_why(
    settings: Settings,
    sessions: sessionmaker[Session],
    world: World,
    violation: object,
    recorded: str | None,
) -> None:
    review_id = collected(settings, sessions, world)
    outcome = post_reply(sessions, RejectingAtOnce(violation), review_id, SAFE, "coordinator")
    assert (outcome.reply_state, outcome.policy_violation) == ("REJECTED", recorded)
    [entry] = log_rows(sessions)
    assert (entry.reply_state, entry.policy_violation) == ("REJECTED", recorded)
    with sessions() as session:
        assert session.get_one(Review, review_id).reply_policy_violation == recorded
