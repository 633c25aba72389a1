"""Inline SVG bar charts, drawn in Python: no script, no font or file fetched to show them."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 720
LABEL_WIDTH = 220
VALUE_WIDTH = 90
ROW = 24
BAR = 16
TOP = 8


@dataclass(frozen=True)
class Segment:
    """One part of a bar: its series name (legend), value and fill colour."""

    name: str
    value: float
    color: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    total_label: str = ""  # shown after the bar; default: the sum

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    legend: list[Segment],
    value_width: int = VALUE_WIDTH,
) -> str:
    """A horizontal (stacked) bar chart as an accessible inline SVG: a `<title>` and a `<desc>`
    named by `aria-labelledby`, one `<title>` per bar segment for pointer users. The page puts a
    table with the same figures beside every chart: the chart is never the only way in."""
    legend = legend if bars else []
    scale_max = max((b.total for b in bars), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - value_width
    legend_h = 22 if legend else 0
    height = TOP + ROW * max(len(bars), 1) + legend_h + 6
    out = [
        f'<svg class="chart" id="{chart_id}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    if not bars:
        out.append(f'<text x="0" y="{TOP + 14}" class="muted">nothing to show</text>')
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
        )
        x = float(LABEL_WIDTH)
        for seg in bar.segments:
            if seg.value <= 0:
                continue
            w = max(plot * seg.value / scale_max, 1.0)
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR}" fill="{seg.color}">'
                f"<title>{escape(bar.label)}: {escape(seg.name)} {seg.value:,.15g}</title></rect>"
            )
            x += w
        total = bar.total_label or f"{bar.total:,.15g}"
        out.append(f'<text x="{x + 6:.1f}" y="{y + BAR - 4}">{escape(total)}</text>')
    if legend:
        y = TOP + ROW * max(len(bars), 1) + 4
        x = float(LABEL_WIDTH)
        for seg in legend:
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{seg.color}"/>'
                f'<text x="{x + 16:.1f}" y="{y + 10}">{escape(seg.name)}</text>'
            )
            x += 24 + 7.5 * len(seg.name)
    out.append("</svg>")
    return "".join(out)
