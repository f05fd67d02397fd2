"""Server-rendered SVG charts (no chart library, no script): horizontal bars, stacked or grouped.

    chart = bar_chart("AR aging", ["ACME", "BOB"], {"current": [10, 0], "1-30": [5, 2]}, stacked=True)
    {% include "ui/_chart.html" with chart=chart %}

Series are coloured by position with the `s0`…`s5` classes of ui.css (no inline style: the CSP). A report
app registers the chart of one of its reports with `chart_register(report_name, builder)`, where
`builder(result, params) -> Chart | None` gets the report's own result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

ROW_HEIGHT, BAR_GAP, LABEL_WIDTH, PLOT_WIDTH, TOP = 22, 6, 140, 520, 8


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # (y, text) of each category
    legend: list[tuple[str, str]]  # (css class, series name)
    axis: list[tuple[float, str]]  # (x, text) ticks
    summary: str  # what the chart shows, for a screen reader


def _num(value) -> float:
    try:
        return max(0.0, float(Decimal(str(value))))
    except (ArithmeticError, ValueError):
        return 0.0


def bar_chart(title: str, categories: list[str], series: dict[str, list], *, stacked: bool = True,
              unit: str = "$") -> Chart:  # fmt: skip
    names = list(series)
    values = {name: [_num(v) for v in series[name]] for name in names}
    per_category = len(names) if not stacked else 1
    if stacked:
        peak = max((sum(values[n][i] for n in names) for i in range(len(categories))), default=0.0)
    else:
        peak = max((v for n in names for v in values[n]), default=0.0)
    peak = peak or 1.0
    scale = PLOT_WIDTH / peak
    band = ROW_HEIGHT * per_category + BAR_GAP
    bars, labels = [], []
    for i, category in enumerate(categories):
        top = TOP + i * band
        labels.append((top + ROW_HEIGHT * per_category / 2 + 4, category[:22]))
        x = float(LABEL_WIDTH)
        for k, name in enumerate(names):
            value = values[name][i]
            width = value * scale
            y = top if stacked else top + k * ROW_HEIGHT
            bars.append(Bar(x, y, width, ROW_HEIGHT - 2, f"s{k % 6}", f"{category} · {name}: {unit}{value:,.2f}"))
            if stacked:
                x += width
    height = TOP + len(categories) * band + 24
    axis = [(LABEL_WIDTH + PLOT_WIDTH * f, f"{unit}{peak * f:,.0f}") for f in (0, 0.25, 0.5, 0.75, 1)]
    legend = [(f"s{k % 6}", name) for k, name in enumerate(names)]
    summary = f"{title}: {len(categories)} rows, largest {unit}{peak:,.2f}."
    return Chart(title, LABEL_WIDTH + PLOT_WIDTH + 40, height, bars, labels, legend, axis, summary)


_CHARTS: dict[str, Callable[[dict, dict], Chart | None]] = {}


def chart_register(report_name: str, builder: Callable[[dict, dict], Chart | None]) -> None:
    _CHARTS[report_name] = builder


def chart_for(report_name: str, result: dict, params: dict) -> Chart | None:
    builder = _CHARTS.get(report_name)
    return builder(result, params) if builder else None
