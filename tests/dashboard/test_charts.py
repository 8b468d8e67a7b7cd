"""The dashboard's charts: real time axes, one colour per star rating, provisional days dashed,
the rating on a scale around its values."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd
import pytest

from dashboard import charts


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The Vega-Lite specs the charts would hand to Streamlit."""
    specs: list[dict[str, Any]] = []
    monkeypatch.setattr(charts, "show", lambda chart: specs.append(chart.to_dict()))
    return specs


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer", [spec])


def test_weeks_of_a_long_period_are_in_date_order_not_alphabetical(
    drawn: list[dict[str, Any]],
) -> None:
    weeks = [date(2026, 4, 6) + timedelta(weeks=n) for n in range(20)]  # Apr 06 … Aug 17
    charts.weekly_bars(pd.DataFrame({"week": weeks, "views": range(20)}), "views", "Views")
    x = drawn[0]["encoding"]["x"]
    assert x["field"] == "week" and x["timeUnit"] == "yearmonthdate"  # sorted by the date
    values = drawn[0]["datasets"][drawn[0]["data"]["name"]]
    assert [str(v["week"])[:10] for v in values] == [w.isoformat() for w in weeks]


def test_lines_put_provisional_days_in_a_dashed_layer_joined_to_the_final_ones(
    drawn: list[dict[str, Any]],
) -> None:
    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(10)]
    frame = pd.DataFrame({"day": days, "metric": "Calls", "value": [10] * 7 + [6, 3, 1]})
    charts.lines(
        frame, x="day", y="value", series="metric", y_title="Per day", provisional_after=days[6]
    )
    final, provisional = layers(drawn[0])
    assert final["encoding"]["x"]["type"] == "temporal"
    assert "strokeDash" not in final["mark"] and provisional["mark"]["strokeDash"] == [4, 4]
    datasets = drawn[0]["datasets"]
    assert len(datasets[final["data"]["name"]]) == 7
    assert [v["value"] for v in datasets[provisional["data"]["name"]]] == [10, 6, 3, 1]


def test_every_star_rating_has_one_fixed_colour_from_red_to_green(
    drawn: list[dict[str, Any]],
) -> None:
    monthly = pd.DataFrame({"month": ["2026-10", "2026-11"], "stars": [5, 1], "reviews": [3, 1]})
    charts.stars_by_month(monthly)
    scale = drawn[0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["1★", "2★", "3★", "4★", "5★"]
    assert scale["range"][0] == "#d7301f" and scale["range"][4] == "#1a9850"  # red … green


def test_the_rating_axis_frames_its_values_instead_of_starting_at_zero(
    drawn: list[dict[str, Any]],
) -> None:
    history = pd.DataFrame({"day": [date(2026, 11, 1), date(2026, 11, 30)], "rating": [4.21, 4.3]})
    charts.rating_line(history)
    low, high = drawn[0]["encoding"]["y"]["scale"]["domain"]
    assert 4.0 <= low < 4.21 and 4.3 < high <= 4.5


def test_a_chart_spec_is_valid_vega_lite(drawn: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(
        {"name": ["Us", "Them"], "rating": [4.5, 3.9], "reviews": [80, 300], "ours": [True, False]}
    )
    charts.rating_against_reviews(frame)
    alt.Chart.from_dict(drawn[0])  # raises on a spec Vega-Lite would refuse
    legend = drawn[0]["encoding"]["color"]["scale"]["domain"]
    assert legend == ["Your locations", "Competitors"]  # not "ours: false/true"
