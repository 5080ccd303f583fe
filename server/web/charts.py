"""Server-drawn SVG charts for supervisors: no chart library reaches a phone, and a printout shows
exactly what the screen did. Plain values in, SVG text out (escaped, with a title for readers)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 120, 340


def bar_chart(rows: list[tuple[str, float | None, str]], title: str, scale_max: float, hidden: str) -> Markup:
    """Horizontal bars, one per (label, value, shown value); a hidden value gets no bar, only `hidden`."""
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    span = WIDTH - LABEL_WIDTH - 50
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for i, (label, value, shown) in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:.1f}" text-anchor="end" class="label">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{middle:.1f}" class="hidden">{escape(hidden)}</text>')
            continue
        length = max(1.0, span * min(value, scale_max) / scale_max) if scale_max else 1.0
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="3" class="bar"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{middle:.1f}" class="value">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline(values: list[float | None], title: str, width: int = 96, height: int = 24) -> Markup:
    """A line over the periods; a hidden or empty period breaks the line instead of dropping to zero."""
    known = [v for v in values if v is not None]
    top = max(known) if known else 1.0
    step = width / max(1, len(values) - 1)
    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{i * step:.1f},{height - 2 - (height - 4) * (value / top if top else 0):.1f}")
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(points)}" class="spark"/>'
        if len(points) > 1
        else f'<circle cx="{points[0].split(",")[0]}" cy="{points[0].split(",")[1]}" r="1.5" class="spark-dot"/>'
        for points in segments
    )
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{lines}</svg>'
    )
