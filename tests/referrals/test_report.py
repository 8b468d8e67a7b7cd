"""The referral report against figures worked out by hand, and what is due, in the read model
and through the CLI's JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from collectors.referrals import import_referrals
from seo_monitor.config import Settings
from seo_monitor.patient_keys import patient_key
from seo_monitor.queries import Period, select_referral_report, select_referrals_due
from seo_monitor.referrals import StatusRules, log_touch

AS_OF = date(2026, 11, 30)
PERIOD = Period(date(2026, 9, 1), AS_OF)
# (referral day, referrer, NPI, source type, first visit)
CASES = [
    *[
        (day, "Dr. Ann Lee, MD", "1234567893", "Physician", visit)
        for day, visit in [
            ("2026-06-05", ""),
            ("2026-07-05", ""),
            ("2026-08-05", ""),
            ("2026-09-02", "2026-09-05"),  # 3 days
            ("2026-09-12", "2026-09-17"),  # 5 days
            ("2026-09-22", ""),
            ("2026-10-02", "2026-10-09"),  # 7 days
            ("2026-10-12", ""),
            ("2026-10-22", ""),
            ("2026-11-20", ""),
        ]
    ],
    ("2026-06-10", "Dr. Bo Park", "", "Physician", ""),
    ("2026-07-10", "Dr. Bo Park", "", "Physician", ""),
    ("2026-11-15", "Dr. Cy Diaz, DO", "", "Physician", "2026-11-17"),  # 2 days
    ("2026-11-25", "Dr. Cy Diaz, DO", "", "Physician", ""),
    *[
        (f"2026-{month:02d}-15", "Barton Springs CrossFit", "", "Gym", visit)
        for month, visit in [(6, ""), (7, ""), (8, ""), (9, "2026-09-19"), (10, ""), (11, "")]
    ],
    ("2026-11-03", "", "", "Self", "2026-11-04"),  # 1 day
    ("2026-11-04", "", "", "Self", ""),
]


def export(tmp_path: Path) -> Path:
    lines = ["Case ID,Referral Date,Referring Provider,NPI,Source Type,First Visit Date"]
    lines += [
        f'C-{n},{day},"{who}",{npi},{kind},{visit}'
        for n, (day, who, npi, kind, visit) in enumerate(CASES)
    ]
    path = tmp_path / "referrals.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def imported(sessions: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    with sessions.begin() as session:
        import_referrals(
            session,
            export(tmp_path),
            datetime(2026, 11, 30, 18, tzinfo=UTC),
            lambda account: patient_key("s" * 64, account),
            10**6,
        )
    return sessions


def test_the_report_matches_the_hand_worked_figures(imported: sessionmaker[Session]) -> None:
    with imported() as session:
        report = select_referral_report(session, PERIOD, AS_OF, StatusRules())
    totals = report.totals
    assert (totals.referrals, totals.referrers, totals.converted) == (14, 3, 6)
    assert totals.conversion_rate == pytest.approx(6 / 14)
    assert totals.median_days_to_first_visit == 3.5  # of 1, 2, 3, 4, 5, 7 days
    # Three referred in the period: the top ⌈20 %⌉ is one, with half the referrals.
    assert (report.pareto.top_referrers, report.pareto.share) == (["Dr. Ann Lee, MD"], 0.5)
    rows = {r.name: r for r in report.referrers}
    assert list(rows) == [
        "Dr. Ann Lee, MD",
        "Barton Springs CrossFit",
        "Dr. Cy Diaz, DO",
        "Dr. Bo Park",
    ]
    lee, gym, diaz, park = rows.values()
    assert (lee.referrals, lee.converted, lee.median_days_to_first_visit) == (7, 3, 5)
    assert lee.monthly == {"2026-09": 3, "2026-10": 3, "2026-11": 1}
    # One in the last 30 days against 7 in the 90 before (2.3 a month): slipping.
    assert [r.status for r in rows.values()] == ["slipping", "active", "new", "lapsed"]
    assert (park.referrals, park.conversion_rate, park.last_referral) == (
        0,
        None,
        date(2026, 7, 10),
    )
    assert (gym.kind, diaz.last_referral) == ("gym", date(2026, 11, 25))
    by_kind = {(month, kind): n for month, kind, n in report.by_kind}
    assert by_kind[("2026-11", "self")] == 2 and by_kind[("2026-11", "physician")] == 3


def test_the_statuses_move_with_the_as_of_day(imported: sessionmaker[Session]) -> None:
    with imported() as session:
        before = select_referral_report(session, PERIOD, date(2026, 10, 31), StatusRules())
    statuses = {r.name: r.status for r in before.referrers}
    # On Oct 31 Ann Lee was busy, Bo Park not yet 90 days quiet, Cy Diaz not yet referring.
    assert statuses == {
        "Dr. Ann Lee, MD": "active",
        "Barton Springs CrossFit": "active",
        "Dr. Bo Park": "lapsed",
    }


def test_what_is_due_and_a_touch_settles_it(imported: sessionmaker[Session]) -> None:
    rules = StatusRules()
    with imported() as session:
        due = [(d.name, d.what) for d in select_referrals_due(session, AS_OF, rules)]
    assert due == [
        ("Dr. Ann Lee, MD", "check-in"),
        ("Dr. Bo Park", "check-in"),
        ("Dr. Ann Lee, MD", "thank-you"),
        ("Barton Springs CrossFit", "thank-you"),
        ("Dr. Cy Diaz, DO", "thank-you"),
        ("Dr. Bo Park", "thank-you"),
        ("Dr. Ann Lee, MD", "progress update"),
        ("Barton Springs CrossFit", "progress update"),
        ("Dr. Cy Diaz, DO", "progress update"),
    ]
    lee = next(d.referrer_id for d in select_referrals_due(imported(), AS_OF, rules))
    with imported.begin() as session:
        log_touch(session, lee, "thank-you", date(2026, 11, 25), "card", "dana", datetime.now(UTC))
        log_touch(session, lee, "visit", date(2026, 11, 26), None, "dana", datetime.now(UTC))
    with imported() as session:
        owed = {d.what for d in select_referrals_due(session, AS_OF, rules) if d.referrer_id == lee}
    assert owed == {"progress update"}


def run_report(tmp_path: Path, database_url: str, *args: str) -> str:
    config = tmp_path / "config.toml"
    config.write_text(f'data_dir = "data"\n[database]\nurl = {json.dumps(database_url)}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEO_MONITOR_")}
    command = [sys.executable, "-m", "seo_monitor", "--config", str(config), "referrals", "report"]
    period = ["--since", "2026-09-01", "--until", "2026-11-30", "--as-of", "2026-11-30"]
    done = subprocess.run(
        [*command, *period, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_report_command_prints_the_documented_json(
    imported: sessionmaker[Session], tmp_path: Path, database_url: str
) -> None:
    report = json.loads(run_report(tmp_path, database_url, "--json"))
    # The keys plus the period and the as-of day (docs/referrals.md, "JSON").
    assert set(report) == {"period", "as_of", "totals", "pareto", "referrers"}
    assert report["period"] == {"since": "2026-09-01", "until": "2026-11-30"}
    assert report["as_of"] == "2026-11-30"
    assert report["totals"] == {
        "referrals": 14,
        "referrers": 3,
        "converted": 6,
        "conversion_rate": 6 / 14,
        "median_days_to_first_visit": 3.5,
    }
    assert report["pareto"] == {"top_referrers": ["Dr. Ann Lee, MD"], "share": 0.5}
    for row in report["referrers"]:
        assert set(row) == {
            "name", "npi", "kind", "referrals", "converted", "conversion_rate",
            "median_days_to_first_visit", "last_referral", "status", "monthly",
        }  # fmt: skip
    first = report["referrers"][0]
    assert (first["npi"], first["last_referral"], first["status"]) == (
        "1234567893",
        "2026-11-20",
        "slipping",
    )
    assert first["monthly"] == {"2026-09": 3, "2026-10": 3, "2026-11": 1}


def test_the_text_report_shows_each_referrers_last_referral_day(
    imported: sessionmaker[Session], tmp_path: Path, database_url: str
) -> None:
    text = run_report(tmp_path, database_url)
    assert "<10" not in text

    def row(name: str) -> list[str]:
        (line,) = [line for line in text.splitlines() if f" {name} " in line]
        return line.split()[-2:]  # the last referral and the status

    assert row("Dr. Ann Lee, MD") == ["2026-11-20", "slipping"]
    assert row("Dr. Bo Park") == ["2026-07-10", "lapsed"]
    assert row("Dr. Cy Diaz, DO") == ["2026-11-25", "new"]
    assert "14 referrals from 3 referrers" in text


def test_the_configured_thresholds_decide_the_statuses(imported: sessionmaker[Session]) -> None:
    settings = Settings.model_validate({"referrals": {"lapsed_days": 150, "new_days": 10}})
    with imported() as session:
        report = select_referral_report(session, PERIOD, AS_OF, StatusRules.from_settings(settings))
    statuses = {r.name: r.status for r in report.referrers}
    # Dr. Park's last referral was 143 days before; Dr. Diaz's first 15 days before.
    assert statuses["Dr. Bo Park"] == "active"
    assert statuses["Dr. Cy Diaz, DO"] == "active"
    assert statuses["Dr. Ann Lee, MD"] == "slipping"


def test_a_tie_at_the_top_fifth_is_broken_by_name(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # Five referrers: the top ⌈20 %⌉ is one, and two share the most referrals.
    cases = [("Dr. Zoe Young", 3), ("Dr. Amy Adams", 3), ("Dr. Kim Moss", 2)]
    cases += [("Dr. Bo Park", 1), ("Dr. Eli Ng", 1)]
    lines = ["Case ID,Referral Date,Referring Provider"]
    lines += [f"{who}-{n},2026-11-{10 + n:02d},{who}" for who, count in cases for n in range(count)]
    path = tmp_path / "ties.csv"
    path.write_text("\n".join(lines) + "\n")
    with sessions.begin() as session:
        import_referrals(session, path, datetime(2026, 11, 30, tzinfo=UTC), lambda a: a, 10**6)
    with sessions() as session:
        report = select_referral_report(session, PERIOD, AS_OF, StatusRules())
    assert report.pareto.top_referrers == ["Dr. Amy Adams"]
    assert report.pareto.share == pytest.approx(3 / 10)
    assert [r.name for r in report.referrers][:2] == ["Dr. Amy Adams", "Dr. Zoe Young"]


def test_the_report_judges_today_where_the_practice_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from seo_monitor.app.cli import referrals as command

    # 03:00 UTC on December 1 is still the evening of November 30 in Austin.
    monkeypatch.setattr(command, "utcnow", lambda: datetime(2026, 12, 1, 3, tzinfo=UTC))
    austin = Settings.model_validate({"scheduler": {"timezone": "America/Chicago"}})
    assert command.practice_today(austin) == date(2026, 11, 30)
    tokyo = Settings.model_validate({"scheduler": {"timezone": "Asia/Tokyo"}})
    assert command.practice_today(tokyo) == date(2026, 12, 1)


def test_thank_you_letters_can_be_counted_for_one_location(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from seo_monitor.models import Location
    from seo_monitor.queries import select_thank_you_counts
    from tests.dashboard.seed import add_location

    with sessions.begin() as session:
        north = add_location(session, None, "locations/1", "North")  # type: ignore[arg-type]
        south = add_location(session, None, "locations/2", "South")  # type: ignore[arg-type]
    for place, rows in ((north, ["N-1,2026-11-03,Dr. Ann Lee", "N-2,2026-11-09,Dr. Ann Lee"]),
                        (south, ["S-1,2026-11-04,Dr. Bo Park", "S-2,2026-11-05,Dr. Ann Lee"])):  # fmt: skip
        path = tmp_path / f"{place}.csv"
        path.write_text("\n".join(["Case ID,Referral Date,Referring Provider", *rows]) + "\n")
        with sessions.begin() as session:
            import_referrals(
                session,
                path,
                datetime(2026, 11, 30, tzinfo=UTC),
                lambda a: a,
                10**6,
                location=session.get_one(Location, place),
            )
    month = date(2026, 11, 1)
    with sessions() as session:
        counts = {
            where: [
                (t.name, t.referrals) for t in select_thank_you_counts(session, month, None, ids)
            ]
            for where, ids in (("all", None), ("north", [north]), ("south", [south]))
        }
    assert counts == {
        "all": [("Dr. Ann Lee", 3), ("Dr. Bo Park", 1)],
        "north": [("Dr. Ann Lee", 2)],
        "south": [("Dr. Ann Lee", 1), ("Dr. Bo Park", 1)],
    }
