"""Server-rendered SVG charts for the report pages: no CDN, no script, readable by a screen reader.

Each chart is an <svg role="img"> with a <title> and <desc> (the text summary); the page puts the
same numbers in a table beside it, so nothing is only in the picture (WCAG 1.1.1, 1.4.1). Bars and
lines differ by pattern and label as well as colour. Only numbers and our own labels are drawn, all
escaped, so no case data reaches the markup unescaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

W, H = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 48
INK, GRID = "#1b1b1b", "#c9c9c9"
BLUE, ORANGE, GREEN = "#005ea2", "#a23e00", "#00704a"


def _frame(chart_id: str, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def _axis(top_value: float, unit: str = "") -> tuple[list[str], float]:
    """Horizontal grid lines with labels; returns the markup and pixels per unit."""
    top_value = max(top_value, 1)
    step = max(1, round(top_value / 4))
    ceiling = step * 4 if step * 4 >= top_value else step * 5
    plot_h = H - TOP - BOTTOM
    scale = plot_h / ceiling
    out = []
    for v in range(0, ceiling + 1, step):
        y = H - BOTTOM - v * scale
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" />'
                   f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">'
                   f'{v}{escape(unit)}</text>')
    return out, scale


def _x_labels(labels: list[str], slot: float) -> list[str]:
    every = max(1, len(labels) // 12)
    return [f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11" '
            f'fill="{INK}">{escape(label)}</text>' for i, label in enumerate(labels) if i % every == 0]


def _legend(items: list[tuple[str, str, str]]) -> list[str]:
    out, x = [], LEFT
    for color, label, dash in items:
        out.append(f'<rect x="{x}" y="{H - 18}" width="14" height="10" fill="{color}" stroke="{INK}" '
                   f'stroke-dasharray="{dash}" /><text x="{x + 20}" y="{H - 9}" font-size="11" fill="{INK}">'
                   f'{escape(label)}</text>')
        x += 40 + 7 * len(label)
    return out


def received_decided(monthly: list[dict], chart_id: str = "chart-volume") -> tuple[Markup, str]:
    """Grouped bars per month: requests received and decided. Returns (svg, text summary)."""
    total_r = sum(m["received"] for m in monthly)
    total_d = sum(m["decided"] for m in monthly)
    busiest = max(monthly, key=lambda m: m["received"], default=None)
    summary = (f"{total_r} requests received and {total_d} decided over {len(monthly)} month(s)"
               + (f"; most received in {busiest['month']} ({busiest['received']})."
                  if busiest and busiest["received"] else "."))
    grid, scale = _axis(max([m["received"] for m in monthly] + [m["decided"] for m in monthly] + [1]))
    slot = (W - LEFT - RIGHT) / max(len(monthly), 1)
    bar = slot * 0.35
    body = grid
    for i, m in enumerate(monthly):
        x = LEFT + slot * i + slot * 0.15
        for j, (key, color) in enumerate((("received", BLUE), ("decided", GREEN))):
            h = m[key] * scale
            body.append(f'<rect x="{x + j * bar:.1f}" y="{H - BOTTOM - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                        f'fill="{color}"><title>{escape(m["month"])}: {m[key]} {key}</title></rect>')
    body += _x_labels([m["month"] for m in monthly], slot)
    body += _legend([(BLUE, "Received", "0"), (GREEN, "Decided", "0")])
    return _frame(chart_id, "Requests received and decided per month", summary, body), summary


def percent_timely(monthly: list[dict], target: float, chart_id: str = "chart-timely") -> tuple[Markup, str]:
    """% of decisions within the deadline per month, with the target as a dashed line."""
    measured = [m for m in monthly if m["percent_timely"] is not None]
    below = [m["month"] for m in measured if m["percent_timely"] < target]
    summary = (f"Percentage decided within the deadline per month, target {target:g}%. "
               + (f"{len(below)} of {len(measured)} month(s) with decisions were below target"
                  + (f": {', '.join(below)}." if below else ".") if measured else "No decisions in the period."))
    grid, scale = _axis(100, "%")
    slot = (W - LEFT - RIGHT) / max(len(monthly), 1)
    body = grid
    ty = H - BOTTOM - target * scale
    body.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{ORANGE}" '
                f'stroke-width="2" stroke-dasharray="6 4" />')
    points = []
    for i, m in enumerate(monthly):
        if m["percent_timely"] is None:
            continue
        x, y = LEFT + slot * (i + 0.5), H - BOTTOM - m["percent_timely"] * scale
        points.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"><title>{escape(m["month"])}: '
                    f'{m["percent_timely"]:g}% timely</title></circle>')
    if len(points) > 1:
        body.insert(len(grid) + 1, f'<polyline points="{" ".join(points)}" fill="none" stroke="{BLUE}" '
                                   f'stroke-width="2" />')
    body += _x_labels([m["month"] for m in monthly], slot)
    body += _legend([(BLUE, "% timely", "0"), (ORANGE, f"Target {target:g}%", "6 4")])
    return _frame(chart_id, "Percentage decided on time per month", summary, body), summary


def distribution(bins: list[dict], chart_id: str = "chart-days") -> tuple[Markup, str]:
    """Decided cases by days to process less abeyance."""
    total = sum(b["count"] for b in bins)
    top = max(bins, key=lambda b: b["count"], default=None)
    summary = (f"{total} decided case(s) by days to process less abeyance"
               + (f"; the most common range is {top['bin']} days ({top['count']})." if total else "."))
    grid, scale = _axis(max([b["count"] for b in bins] + [1]))
    slot = (W - LEFT - RIGHT) / max(len(bins), 1)
    body = grid
    for i, b in enumerate(bins):
        h = b["count"] * scale
        body.append(f'<rect x="{LEFT + slot * i + slot * 0.1:.1f}" y="{H - BOTTOM - h:.1f}" width="{slot * 0.8:.1f}" '
                    f'height="{h:.1f}" fill="{BLUE}"><title>{escape(b["bin"])} days: {b["count"]}</title></rect>')
    body += _x_labels([b["bin"] for b in bins], slot)
    body += _legend([(BLUE, "Decided cases (days to process)", "0")])
    return _frame(chart_id, "Distribution of days to process", summary, body), summary
