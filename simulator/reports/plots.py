"""Small line charts as inline SVG: the same markup in the browser and in a self-contained HTML export."""

from __future__ import annotations

from html import escape

# Each at least 3:1 against white and against Gradio's dark background, so the lines read in light and dark mode;
# text is drawn in the page's own colour (currentColor) for the same reason.
COLOURS = ["#3b82f6", "#16a34a", "#db2777", "#a855f7", "#ea580c", "#0891b2"]
DASHES = ["", "6 3", "2 3"]  # lines that coincide (equal scores) stay distinguishable
WIDTH, HEIGHT = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 28, 36


def line_chart(
    title: str,
    series: dict[str, list[float | None]],
    *,
    y_max: float,
    x_labels: list[str],
    chart_id: str,
    y_label: str = "",
    kind: str = "",
) -> str:
    """One line per series over shared x positions; a None leaves a gap. Points carry their values as data."""
    count = max((len(v) for v in series.values()), default=0)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (inner_w * i / (count - 1) if count > 1 else inner_w / 2)

    def y(v: float) -> float:
        return TOP + inner_h * (1 - (v / y_max if y_max else 0))

    parts = [
        f"<svg id='{escape(chart_id)}' class='chart {escape(kind)}' xmlns='http://www.w3.org/2000/svg' "
        f"viewBox='0 0 {WIDTH} {HEIGHT}' width='{WIDTH}' height='{HEIGHT}' style='max-width:100%;height:auto' "
        f"fill='currentColor' role='img' aria-label='{escape(title)}'>",
        f"<text x='{LEFT}' y='16' font-size='13' font-weight='bold'>{escape(title)}</text>",
    ]
    for tick in (0.0, y_max / 2, y_max):
        ty = y(tick)
        parts.append(
            f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{ty:.1f}' y2='{ty:.1f}' stroke='currentColor' stroke-opacity='.2'/>"
            f"<text x='{LEFT - 6}' y='{ty + 4:.1f}' font-size='10' text-anchor='end'>{tick:g}</text>"
        )
    if y_label:
        parts.append(f"<text x='4' y='{TOP - 8}' font-size='10'>{escape(y_label)}</text>")
    step = max(1, count // 10)
    for i, label in enumerate(x_labels[:count]):
        if i % step == 0 or i == count - 1:
            parts.append(
                f"<text x='{x(i):.1f}' y='{HEIGHT - 18}' font-size='10' text-anchor='middle'>{escape(label)}</text>"
            )
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append((x(i), y(v)))
            parts.append(
                f"<circle cx='{x(i):.1f}' cy='{y(v):.1f}' r='3' fill='{colour}' data-series='{escape(name)}' "
                f"data-value='{v:g}'><title>{escape(name)}: {v:g}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
                dash = DASHES[n % len(DASHES)]
                parts.append(
                    f"<polyline fill='none' stroke='{colour}' stroke-width='{3 - n % 3}' "
                    f"stroke-dasharray='{dash}' points='{points}'/>"
                )
        parts.append(
            f"<rect x='{LEFT + 110 * n}' y='{HEIGHT - 13}' width='10' height='10' fill='{colour}'/>"
            f"<text x='{LEFT + 110 * n + 14}' y='{HEIGHT - 4}' font-size='11'>{escape(name)}</text>"
        )
    if count == 0:
        parts.append(f"<text x='{WIDTH / 2}' y='{HEIGHT / 2}' text-anchor='middle' font-size='12'>no data yet</text>")
    parts.append("</svg>")
    return "".join(parts)
