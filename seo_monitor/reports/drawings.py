"""The report's pictures as vector drawings (ReportLab graphics): they stay sharp when printed
or zoomed, and their labels are text a reader can copy."""

from __future__ import annotations

from datetime import date

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

FONT = "Report"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#6b7280")
LINE_COLORS = [colors.HexColor(c) for c in ("#1f6feb", "#0f9d58", "#e8710a")]
LINE_METRICS = (
    ("calls", "Calls"),
    ("directions", "Direction requests"),
    ("website_clicks", "Website clicks"),
)

# Map positions by band: the map pack (1-3), the first page (4-10), further, not found.
RANK_BANDS = [
    (3, "#0f9d58", "1-3"),
    (10, "#f4b400", "4-10"),
    (20, "#e8710a", "11-20"),
]
NOT_FOUND = "#db4437"
NO_ANSWER = "#d1d5db"


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose text starts in the report's embedded font (ReportLab's default is
    Helvetica, which a PDF does not embed)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # type: ignore[attr-defined]  # read by the renderer
    return drawing


def _weeks(weekly: list[tuple[date, str, int]]) -> list[date]:
    return sorted({week for week, _, _ in weekly})


def _labels(weeks: list[date]) -> list[str]:
    """Every week's Monday; with many weeks every other one, so the labels do not collide."""
    step = 2 if len(weeks) > 8 else 1
    return [f"{w:%b %d}" if i % step == 0 else "" for i, w in enumerate(weeks)]


def _series(weekly: list[tuple[date, str, int]], metric: str, weeks: list[date]) -> list[int]:
    values = {week: value for week, group, value in weekly if group == metric}
    return [values.get(week, 0) for week in weeks]


def views_chart(
    weekly: list[tuple[date, str, int]], width: float, height: float, accent: str
) -> Drawing:
    """Profile views per week, as bars."""
    weeks = _weeks(weekly)
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 28
    chart.width, chart.height = int(width - 50), int(height - 40)
    chart.data = [_series(weekly, "views", weeks)]
    chart.bars[0].fillColor = colors.HexColor(accent)
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = _labels(weeks)
    _style_axes(chart)
    chart.valueAxis.valueMin = 0
    drawing.add(chart)
    drawing.add(
        String(0, height - 8, "Profile views per week", fontName=FONT, fontSize=8, fillColor=MUTED)
    )
    return drawing


def actions_chart(weekly: list[tuple[date, str, int]], width: float, height: float) -> Drawing:
    """Calls, direction requests and website clicks per week, as lines with a legend."""
    weeks = _weeks(weekly)
    drawing = _drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 40
    chart.width, chart.height = int(width - 50), int(height - 52)
    chart.data = [_series(weekly, metric, weeks) for metric, _ in LINE_METRICS]
    for index, color in enumerate(LINE_COLORS):
        chart.lines[index].strokeColor = color
        chart.lines[index].strokeWidth = 1.5
    chart.categoryAxis.categoryNames = _labels(weeks)
    _style_axes(chart)
    chart.valueAxis.valueMin = 0
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, 6
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [
        (c, label) for c, (_, label) in zip(LINE_COLORS, LINE_METRICS, strict=True)
    ]
    legend.dx, legend.dy, legend.deltax = 8, 8, 90
    drawing.add(legend)
    drawing.add(
        String(
            0,
            height - 8,
            "Calls, directions and website clicks per week",
            fontName=FONT,
            fontSize=8,
            fillColor=MUTED,
        )
    )
    return drawing


def _style_axes(chart: VerticalBarChart | HorizontalLineChart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
        axis.labels.fillColor = MUTED
        axis.strokeColor = MUTED
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e5e7eb")
    chart.valueAxis.labelTextFormat = lambda value: f"{value:,.0f}"


def cell_color(cell: str) -> str:
    """A grid cell's colour: its rank's band, not found, or no answer."""
    if cell == "--":
        return NOT_FOUND
    if not cell.isdigit():
        return NO_ANSWER
    return next((color for top, color, _ in RANK_BANDS if int(cell) <= top), NOT_FOUND)


def grid_drawing(grid: list[list[str]], size: float, caption: str) -> Drawing:
    """A scan's grid as the map shows it, north at the top: each point's rank in its cell,
    the clinic's point (the centre) outlined."""
    n = len(grid)
    cell = size / max(n, 1)
    drawing = _drawing(size, size + 14)
    for row, cells in enumerate(grid):
        for col, value in enumerate(cells):
            x, y = col * cell, size - (row + 1) * cell
            square = Rect(x + 1, y + 1, cell - 2, cell - 2, rx=2, ry=2)
            square.fillColor, square.strokeColor = colors.HexColor(cell_color(value)), None
            drawing.add(square)
            label = value if value and value != "x" else "?"
            drawing.add(
                String(
                    x + cell / 2,
                    y + cell / 2 - 3,
                    "20+" if value == "--" else label,
                    fontName=FONT,
                    fontSize=min(8, cell * 0.4),
                    fillColor=colors.white,
                    textAnchor="middle",
                )
            )
    middle = n // 2
    clinic = Rect(middle * cell, size - (middle + 1) * cell, cell, cell)
    clinic.fillColor, clinic.strokeColor, clinic.strokeWidth = None, INK, 1.5
    drawing.add(clinic)
    drawing.add(String(0, size + 4, caption, fontName=FONT, fontSize=7, fillColor=MUTED))
    return drawing
