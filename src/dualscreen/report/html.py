"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.

Every value that comes from a record, a list or a rules file goes through `escape`: records are
untrusted, and a party named `<script>` must read as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from html import escape

from dualscreen.report.figures import (
    VERDICTS,
    CountryTotals,
    FlowTotals,
    Match,
    RecordDetail,
    ReportFigures,
    StageTotals,
    parse_amount,
)
from dualscreen.report.svg import Bar, Segment, bar_chart

MAX_FLOW_ROWS = 500
"""Flow rows on the page; the JSON has them all."""
MAX_BARS = 20
"""Bars per chart; the rest are added up in one "others" bar (the table lists them all)."""

DECISION_COLORS = {"pass": "#2e7d32", "flag": "#e69f00", "block": "#c62828"}
ACTION_COLORS = {**DECISION_COLORS, "monitor": "#0072b2"}
STAGE_COLORS = {
    "ore": "#a6761d",
    "intermediate": "#e69f00",
    "refined": "#009e73",
    "product": "#0072b2",
}
OTHER_COLORS = ("#cc79a7", "#56b4e9", "#d55e00", "#999999", "#f0e442", "#000000")
PARTY_LABELS = {
    "exporter": "Exporter",
    "consignee": "Consignee",
    "end_user": "End user",
    "intermediary": "Intermediary",
}

CSS = """
:root { --pass: #2e7d32; --flag: #8a5a00; --block: #c62828; --monitor: #0072b2;
  --line: #d0d4da; --muted: #5f6670; --bg-head: #f3f5f8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: #1b1f24; margin: 0 auto; max-width: 1240px; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #1b1f24; }
h3 { font-size: 16px; margin: 22px 0 6px; }
p { margin: 6px 0; }
.muted, .chart .muted { color: var(--muted); }
.lede { color: var(--muted); margin-bottom: 14px; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0;
  margin: 12px 0; }
nav a { color: #0b5cad; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-left: 6px solid #1b1f24; border-radius: 4px;
  padding: 8px 14px; min-width: 150px; }
.card .n { font-size: 28px; font-weight: 700; display: block; }
.card.pass { border-left-color: var(--pass); } .card.flag { border-left-color: #e69f00; }
.card.block { border-left-color: var(--block); }
.card.monitor { border-left-color: var(--monitor); }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 28px; }
table { border-collapse: collapse; width: auto; min-width: 60%; margin: 6px 0 14px; }
table.details, table.wide { width: 100%; }
.grid table { width: 100%; min-width: 0; }
.pair { display: flex; flex-wrap: wrap; gap: 0 32px; align-items: flex-start; }
.pair > .fig { flex: 0 1 720px; } .pair > .tab { flex: 1 1 340px; }
.pair table { width: 100%; min-width: 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
thead th { background: var(--bg-head); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.chart { max-width: 100%; height: auto; font-size: 12px; display: block; margin: 6px 0; }
.chart text { fill: #1b1f24; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; color: #fff;
  font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.badge.pass { background: var(--pass); } .badge.flag { background: var(--flag); }
.badge.block { background: var(--block); } .badge.monitor { background: var(--monitor); }
.badge.cleared { background: #5f6670; }
li.monitor { color: var(--muted); font-size: 13px; }
table.details > tbody > tr > td { padding: 8px; }
table.details td.rec { width: 10%; } table.details td.facts { width: 26%; }
table.details td.matches { width: 34%; } table.details td.why { width: 30%; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 1px 8px; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
table.match { margin: 0 0 6px; font-size: 13px; }
table.match th { width: 34%; font-weight: 600; color: var(--muted); background: #fafbfc; }
ul.reasons { margin: 0; padding-left: 0; list-style: none; }
ul.reasons li { margin-bottom: 6px; }
.basis { color: var(--muted); font-size: 12px; display: block; }
.note { background: #fff8e1; border: 1px solid #e6c200; padding: 6px 10px; border-radius: 4px; }
code, .hash { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: 12px; overflow-wrap: anywhere; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  tr, .card, svg, table.match { break-inside: avoid; }
  thead { display: table-header-group; }
  .grid, .pair { display: block; }
  a { color: inherit; text-decoration: none; }
  .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .chart rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def e(value: object) -> str:
    """Escape for element text and quoted attributes alike."""
    return escape(str(value), quote=True)


def num(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        return f"{value:,f}"
    return f"{value:,}"


def _mineral(name: str) -> str:
    return name.replace("_", " ")


def _country(code: str) -> str:
    return code or "(none)"


def _amounts(totals: FlowTotals) -> tuple[str, str]:
    """Quantities per unit and values per currency, never added across units or currencies."""
    qty = "; ".join(f"{num(q.total)} {q.unit}" for q in totals.quantities)
    val = "; ".join(f"{num(v.total)} {v.currency}" for v in totals.values)
    if totals.without_quantity and totals.quantities:
        qty += f" (+{totals.without_quantity} without)"
    if totals.without_value and totals.values:
        val += f" (+{totals.without_value} without)"
    return qty or "—", val or "—"


def _table(
    caption: str,
    head: Sequence[tuple[str, bool]],
    rows: Iterable[Sequence[str]],
    table_id: str = "",
    wide: bool = False,
) -> str:
    """A table of already-escaped cells; `head` is (label, numeric) per column."""
    attr = (f' id="{table_id}"' if table_id else "") + (' class="wide"' if wide else "")
    out = [f"<table{attr}><caption>{e(caption)}</caption><thead><tr>"]
    out += [f'<th scope="col"{" class=num" if n else ""}>{e(label)}</th>' for label, n in head]
    out.append("</tr></thead><tbody>")
    count = 0
    for row in rows:
        count += 1
        cells = []
        for i, (cell, (_, numeric)) in enumerate(zip(row, head, strict=True)):
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            cls = ' class="num"' if numeric else ""
            cells.append(f"<{tag}{scope}{cls}>{cell}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not count:
        out.append(f'<tr><td colspan="{len(head)}" class="muted">none</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _pair(chart: str, table: str) -> str:
    """A chart with its table beside it where the page is wide enough, under it where not."""
    return f'<div class="pair"><div class="fig">{chart}</div><div class="tab">{table}</div></div>'


def _described(bars: Iterable[tuple[str, int, Mapping[str, int]]]) -> str:
    """A chart's text alternative: each bar's label, its records, and its non-zero parts."""
    return "; ".join(
        f"{label}: {records} records ("
        + ", ".join(f"{part} {n}" for part, n in parts.items() if n)
        + ")"
        for label, records, parts in bars
    )


def _capped(bars: list[Bar], legend: list[Segment]) -> list[Bar]:
    """At most MAX_BARS bars; the others summed per series into one last bar."""
    if len(bars) <= MAX_BARS:
        return bars
    rest = bars[MAX_BARS - 1 :]
    if not legend:  # one series: its name and colour from the bars themselves
        legend = [rest[0].segments[0]] if rest[0].segments else []
    sums = [
        Segment(
            s.name,
            sum(seg.value for b in rest for seg in b.segments if seg.name == s.name),
            s.color,
        )
        for s in legend
    ]
    return [*bars[: MAX_BARS - 1], Bar(f"{len(rest)} others", tuple(sums))]


def _decision_segments(decisions: dict[str, int]) -> tuple[Segment, ...]:
    return tuple(Segment(v.value, decisions[v.value], DECISION_COLORS[v.value]) for v in VERDICTS)


DECISION_LEGEND = [Segment(v.value, 0, DECISION_COLORS[v.value]) for v in VERDICTS]


def _summary(f: ReportFigures) -> str:
    d = f.decisions
    cards = [
        ("records", "Records screened", f.records, ""),
        ("pass", "Pass", d["pass"], f"of which {f.monitored_passes} monitored"),
        ("flag", "Flag", d["flag"], "needs an officer's review"),
        ("block", "Block", d["block"], "must not ship"),
        ("monitor", "Monitored records", f.monitoring.records, "critical minerals and dual-use"),
    ]
    out = ['<section id="summary"><h2>Summary</h2><div class="cards">']
    for key, label, n, sub in cards:
        out.append(
            f'<div class="card {key}"><span class="n" id="total-{key}">{num(n)}</span>'
            f"{e(label)}{f'<br><span class=muted>{e(sub)}</span>' if sub else ''}</div>"
        )
    out.append("</div>")
    if f.input_problems:
        out.append(
            f'<p class="note">{num(f.input_problems)} record(s) could not be screened fully '
            "(an input problem: a bad HS code, country or date). They are flagged; their "
            "reasons below say what to fix.</p>"
        )
    bars = [
        Bar(v.value, (Segment(v.value, d[v.value], DECISION_COLORS[v.value]),)) for v in VERDICTS
    ]
    chart = bar_chart(
        "chart-decisions",
        "Records by decision",
        ", ".join(f"{v.value}: {d[v.value]}" for v in VERDICTS) + f"; {f.records} records.",
        bars,
        [],
    )
    table = _table(
        "Records by decision",
        [("Decision", False), ("Records", True), ("Share", True)],
        (
            [
                f'<span class="badge {v.value}">{v.value}</span>',
                f'<span id="decision-{v.value}">{num(d[v.value])}</span>',
                f"{100 * d[v.value] / f.records:.1f}%" if f.records else "—",
            ]
            for v in VERDICTS
        ),
        "table-decisions",
    )
    out.append(_pair(chart, table))
    out.append("</section>")
    return "".join(out)


def _rules(f: ReportFigures) -> str:
    legend = [Segment(a, 0, ACTION_COLORS[a]) for a in ("block", "flag", "monitor")]
    bars = [
        Bar(
            r.rule,
            tuple(Segment(a, r.actions[a], ACTION_COLORS[a]) for a in ("block", "flag", "monitor")),
        )
        for r in f.by_rule
        if r.records
    ]
    out = [
        '<section id="rules"><h2>By rule</h2>',
        '<p class="lede">Records each rule fired on, by the action it asked for. A record can '
        "meet several rules; the decision is the worst action.</p>",
        bar_chart(
            "chart-rules",
            "Records by rule and action",
            _described((r.rule, r.records, r.actions) for r in f.by_rule),
            _capped(bars, legend),
            legend,
        ),
        _table(
            "Records by rule",
            [
                ("Rule", False),
                ("Kind", False),
                ("Records", True),
                ("Block", True),
                ("Flag", True),
                ("Monitor", True),
                ("Cleared", True),
            ],
            (
                [
                    f"<code>{e(r.rule)}</code>",
                    e(r.kind),
                    num(r.records),
                    num(r.actions["block"]),
                    num(r.actions["flag"]),
                    num(r.actions["monitor"]),
                    num(r.cleared),
                ]
                for r in f.by_rule
            ),
            "table-rules",
        ),
        "</section>",
    ]
    return "".join(out)


def _destinations(f: ReportFigures) -> str:
    bars = [Bar(_country(d.destination), _decision_segments(d.decisions)) for d in f.by_destination]
    return "".join(
        [
            '<section id="destinations"><h2>By destination</h2>',
            _pair(
                bar_chart(
                    "chart-destinations",
                    "Records by destination and decision",
                    _described(
                        (_country(d.destination), d.records, d.decisions) for d in f.by_destination
                    ),
                    _capped(bars, DECISION_LEGEND),
                    DECISION_LEGEND,
                ),
                _table(
                    "Records by destination",
                    [("Destination", False), ("Records", True)]
                    + [(v.value.capitalize(), True) for v in VERDICTS],
                    (
                        [e(_country(d.destination)), num(d.records)]
                        + [num(d.decisions[v.value]) for v in VERDICTS]
                        for d in f.by_destination
                    ),
                    "table-destinations",
                ),
            ),
            "</section>",
        ]
    )


def _lists(f: ReportFigures) -> str:
    return "".join(
        [
            '<section id="lists"><h2>By list</h2>',
            '<p class="lede">Records with a party hit on each list screened against, and the '
            "hits by action. Cleared hits were reviewed as false positives and do not count.</p>",
            _table(
                "Hits by list",
                [
                    ("List", False),
                    ("Version", False),
                    ("Records hit", True),
                    ("Hits", True),
                    ("Block", True),
                    ("Flag", True),
                    ("Cleared", True),
                ],
                (
                    [
                        f"<code>{e(lst.name)}</code>",
                        e(lst.version),
                        num(lst.records),
                        num(lst.hits),
                        num(lst.block),
                        num(lst.flag),
                        num(lst.cleared),
                    ]
                    for lst in f.by_list
                ),
                "table-lists",
            ),
            "</section>",
        ]
    )


def _stage_color(stage: str, others: dict[str, str]) -> str:
    if stage in STAGE_COLORS:
        return STAGE_COLORS[stage]
    return others.setdefault(stage, OTHER_COLORS[len(others) % len(OTHER_COLORS)])


def _monitoring(f: ReportFigures) -> str:
    m = f.monitoring
    out = [
        '<section id="monitoring"><h2>Monitoring: critical minerals and dual-use goods</h2>',
        f'<p class="lede"><span id="monitored-records">{num(m.records)}</span> monitored '
        f"record(s): {num(m.critical_mineral_records)} critical-mineral, "
        f"{num(m.dual_use_records)} dual-use (a control code other than EAR99), whatever their "
        "decision. Quantities are added up per unit and values per currency, never across.</p>",
    ]
    if not m.records:
        out.append("<p>No monitored flows.</p></section>")
        return "".join(out)
    others: dict[str, str] = {}
    stages: list[str] = [s for s in STAGE_COLORS if any(x.stage == s for x in m.by_stage)]
    stages += sorted({x.stage for x in m.by_stage} - set(stages))
    # The table reads down the processing chain: each mineral (largest first), ore to product.
    mineral_order = {mt.mineral: i for i, mt in enumerate(m.by_mineral)}
    by_stage: list[StageTotals] = sorted(
        m.by_stage, key=lambda x: (mineral_order.get(x.mineral, 0), stages.index(x.stage))
    )
    legend = [Segment(s or "(none)", 0, _stage_color(s, others)) for s in stages]
    per_mineral = {
        mt.mineral: {x.stage: x.records for x in m.by_stage if x.mineral == mt.mineral}
        for mt in m.by_mineral
    }
    bars = [
        Bar(
            _mineral(mineral),
            tuple(
                Segment(s or "(none)", counts.get(s, 0), _stage_color(s, others)) for s in stages
            ),
        )
        for mineral, counts in per_mineral.items()
    ]
    out.append("<h3>By mineral and processing stage</h3>")
    if bars:
        out.append(
            bar_chart(
                "chart-minerals",
                "Monitored critical-mineral records by mineral and processing stage",
                "; ".join(f"{x.mineral} {x.stage}: {x.records} records" for x in m.by_stage),
                _capped(bars, legend),
                legend,
            )
        )
    out.append(
        _table(
            "Monitored records by mineral and stage",
            [
                ("Mineral", False),
                ("Stage", False),
                ("Records", True),
                ("Pass", True),
                ("Flag", True),
                ("Block", True),
                ("Quantity", True),
                ("Value", True),
            ],
            (
                [e(_mineral(x.mineral)), e(x.stage)]
                + [num(x.records)]
                + [num(x.decisions[v.value]) for v in VERDICTS]
                + [e(a) for a in _amounts(x)]
                for x in by_stage
            ),
            "table-minerals",
        )
    )
    # Value by mineral: one chart per currency (the three most used), as values never add up
    # across currencies.
    currencies = [v.currency for v in m.totals.values][:3]
    for i, currency in enumerate(currencies):
        vbars = []
        for mt in m.by_mineral:
            total = next((v.total for v in mt.values if v.currency == currency), None)
            if total is not None:
                vbars.append(
                    Bar(
                        _mineral(mt.mineral),
                        (Segment(currency, float(total), "#0072b2"),),
                        f"{num(total)} {currency}",
                    )
                )
        if vbars:
            out.append(f"<h3>Declared value by mineral, {e(currency)}</h3>")
            out.append(
                bar_chart(
                    f"chart-value-{i}",
                    f"Declared value of monitored critical-mineral records by mineral, {currency}",
                    "; ".join(f"{b.label}: {b.total_label}" for b in vbars),
                    _capped(vbars, []),
                    [],
                    value_width=170,
                )
            )
    country_head = [
        ("Country", False),
        ("Records", True),
        ("Pass", True),
        ("Flag", True),
        ("Block", True),
        ("Quantity", True),
        ("Value", True),
    ]

    def country_rows(groups: Iterable[CountryTotals]) -> Iterable[list[str]]:
        for g in groups:
            yield (
                [e(_country(g.country)), num(g.records)]
                + [num(g.decisions[v.value]) for v in VERDICTS]
                + [e(a) for a in _amounts(g)]
            )

    out.append("<h3>By origin and destination</h3>")
    dest_bars = [
        Bar(_country(x.country), _decision_segments(x.decisions)) for x in m.by_destination
    ]
    out.append(
        bar_chart(
            "chart-monitored-destinations",
            "Monitored records by destination and decision",
            _described((_country(x.country), x.records, x.decisions) for x in m.by_destination),
            _capped(dest_bars, DECISION_LEGEND),
            DECISION_LEGEND,
        )
    )
    out.append('<div class="grid"><div>')
    out.append(_table("Monitored records by origin", country_head, country_rows(m.by_origin)))
    out.append("</div><div>")
    out.append(
        _table("Monitored records by destination", country_head, country_rows(m.by_destination))
    )
    out.append("</div></div>")
    if m.by_control_code:
        out.append("<h3>Dual-use items by control code</h3>")
        out.append(
            _table(
                "Dual-use records by control code",
                [("Control code", False), ("Records", True)]
                + [(v.value.capitalize(), True) for v in VERDICTS]
                + [("Quantity", True), ("Value", True)],
                (
                    [f"<code>{e(c.control_code)}</code>", num(c.records)]
                    + [num(c.decisions[v.value]) for v in VERDICTS]
                    + [e(a) for a in _amounts(c)]
                    for c in m.by_control_code
                ),
            )
        )
    out.append("<h3>Flows: mineral, stage, origin and destination</h3>")
    shown = m.flows[:MAX_FLOW_ROWS]
    out.append(
        _table(
            "Monitored flows",
            [
                ("Mineral", False),
                ("Stage", False),
                ("Control code", False),
                ("Origin", False),
                ("Destination", False),
                ("Records", True),
                ("Decisions", False),
                ("Quantity", True),
                ("Value", True),
            ],
            (
                [
                    e(_mineral(x.mineral) or "—"),
                    e(x.stage or "—"),
                    e(x.control_code or "—"),
                    e(_country(x.origin)),
                    e(_country(x.destination)),
                    num(x.records),
                    " ".join(
                        f'<span class="badge {k}">{k} {n}</span>'
                        for k, n in x.decisions.items()
                        if n
                    ),
                    *(e(a) for a in _amounts(x)),
                ]
                for x in shown
            ),
            "table-flows",
            wide=True,
        )
    )
    if len(m.flows) > len(shown):
        out.append(
            f'<p class="note">{num(len(m.flows) - len(shown))} more flows not shown; '
            "<code>dualscreen report --format json</code> lists them all.</p>"
        )
    out.append("</section>")
    return "".join(out)


def _readable(amount: str) -> str:
    """A number as the record gives it, with thousands separators when it is a plain number."""
    parsed = parse_amount(amount) if amount else None
    return num(parsed) if parsed is not None else amount


def _match(m: Match) -> str:
    score = f"{m.score:.2f}" if m.score is not None else "—"
    review = f' <span class="badge cleared">{e(m.review)}</span>' if m.review else ""
    programs = ", ".join(m.programs) or "—"
    listed = f"{m.list} {m.list_version}".strip() + (f" / {m.sub_list}" if m.sub_list else "")
    rows = [
        ("Record", f"{e(PARTY_LABELS.get(m.field, m.field))}: <strong>{e(m.value)}</strong>"),
        ("Listed as", f"<strong>{e(m.matched_name)}</strong>"),
        ("List, entry", f"{e(listed)}, entry <code>{e(m.entry_id)}</code>"),
        ("Programs", e(programs)),
        (
            "Score",
            f"{score}{f' {e(m.method)}' if m.method else ''}"
            + (f", confidence {m.confidence:.2f}" if m.confidence is not None else "")
            + f' <span class="badge {e(m.action)}">{e(m.action)}</span>{review}',
        ),
    ]
    if m.why:
        rows.append(("Why", f'<span class="basis">{e(m.why)}</span>'))
    body = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="match">{body}</table>'


def _detail(r: RecordDetail) -> str:
    facts = [(PARTY_LABELS[k], v) for k, v in r.parties.items()]
    g = r.goods
    goods = [
        ("HS code", g.get("hs_code", "")),
        ("Goods", g.get("description", "")),
        (
            "Route",
            f"{g.get('origin_country', '?')} → {g.get('destination_country', '?')}"
            if g.get("origin_country") or g.get("destination_country")
            else "",
        ),
        ("Control code", g.get("control_code", "")),
        ("Licence", g.get("license", "")),
        ("Quantity", f"{_readable(g.get('quantity', ''))} {g.get('unit', '')}".strip()),
        ("Value", f"{_readable(g.get('value', ''))} {g.get('currency', '')}".strip()),
        ("Date", g.get("date", "")),
    ]
    facts += [(k, v) for k, v in goods if v]
    dl = "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>"
    matches = "".join(_match(m) for m in r.matches) or '<span class="muted">no party hit</span>'
    # What decided first; a monitor note (why the record is in the monitoring view) after,
    # quieter and without its basis.
    ordered = sorted(r.explanations, key=lambda x: x.action == "monitor")
    reasons = "".join(
        f'<li class="{e(x.action)}"><span class="badge {e(x.action)}">{e(x.action)}</span> '
        + (f'<span class="badge cleared">{e(x.review)}</span> ' if x.review else "")
        + f"<code>{e(x.rule)}</code> {e(x.explanation)}"
        + (f'<span class="basis">{e(x.basis)}</span>' if x.basis and x.action != "monitor" else "")
        + "</li>"
        for x in ordered
    )
    return (
        f'<tr class="{e(r.decision)}"><td class="rec"><strong class="rid">{e(r.id)}</strong><br>'
        f'<span class="badge {e(r.decision)}">{e(r.decision)}</span></td>'
        f'<td class="facts">{dl}</td><td class="matches">{matches}</td>'
        f'<td class="why"><ul class="reasons">{reasons}</ul></td></tr>'
    )


def _details(f: ReportFigures) -> str:
    d = f.details
    out = [
        '<section id="details"><h2>Flagged and blocked records</h2>',
        f'<p class="lede">{num(d.shown + d.omitted)} record(s) flagged or blocked, in input '
        "order: each record's parties and goods beside the list entries they matched and the "
        "reasons for the decision.</p>",
        '<table class="details" id="table-details"><caption>Flagged and blocked records'
        '</caption><thead><tr><th scope="col">Record</th><th scope="col">Parties and goods</th>'
        '<th scope="col">Matched list entries</th><th scope="col">Reasons</th></tr></thead>'
        "<tbody>",
    ]
    out += [_detail(r) for r in d.records]
    if not d.records:
        out.append('<tr><td colspan="4" class="muted">none</td></tr>')
    out.append("</tbody></table>")
    if d.omitted:
        out.append(
            f'<p class="note" id="details-omitted">{num(d.omitted)} more flagged or blocked '
            f"record(s) not shown (the first {num(d.limit)} are); they are in every total above. "
            "<code>dualscreen screen -o decisions.jsonl</code> lists every decision, "
            "<code>--max-details</code> raises the limit.</p>"
        )
    out.append("</section>")
    return "".join(out)


def _provenance(f: ReportFigures) -> str:
    p = f.provenance
    facts = [
        ("Source", "decisions screened for this report" if p.source == "screen" else "case store"),
        ("Inputs", ", ".join(p.inputs) or "—"),
    ]
    if p.as_of:
        facts.append(("Screened as on", p.as_of.isoformat()))
    if p.screened_from:
        facts.append(("Screened as on", f"{p.screened_from.isoformat()} to {p.screened_to or ''}"))
    if p.since:
        facts.append(("Since", p.since.isoformat()))
    facts += [
        ("Rules sha256", ", ".join(p.rules_sha256) or "—"),
        ("Generated", p.generated_at.isoformat()),
        ("dualscreen", p.dualscreen_version),
    ]
    dl = "<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts) + "</dl>"
    return "".join(
        [
            '<section id="provenance"><h2>Provenance</h2>',
            dl,
            _table(
                "Lists",
                [("List", False), ("Version", False), ("sha256", False)],
                (
                    [
                        f"<code>{e(x.name)}</code>",
                        e(x.version),
                        f'<span class="hash">{e(x.sha256)}</span>',
                    ]
                    for x in p.lists
                ),
                "table-provenance-lists",
            ),
            _table(
                "Rules files",
                [("File", False), ("Version", False), ("sha256", False)],
                (
                    [
                        f"<code>{e(x.path)}</code>",
                        e(x.version),
                        f'<span class="hash">{e(x.sha256)}</span>',
                    ]
                    for x in p.rules_files
                ),
            )
            if p.rules_files
            else "",
            "</section>",
        ]
    )


def render_html(f: ReportFigures) -> str:
    """The whole page. Nothing in it is fetched: no script, stylesheet, font or image link."""
    p = f.provenance
    when = p.as_of.isoformat() if p.as_of else (p.screened_to.isoformat() if p.screened_to else "")
    title = f"dualscreen screening report{f' — {when}' if when else ''}"
    sections = [
        ("summary", "Summary"),
        ("rules", "By rule"),
        ("destinations", "By destination"),
        ("lists", "By list"),
        ("monitoring", "Monitoring"),
        ("details", "Flagged and blocked"),
        ("provenance", "Provenance"),
    ]
    nav = "".join(f'<li><a href="#{k}">{label}</a></li>' for k, label in sections)
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # No request may leave the page: this policy forbids every fetch, should a value
            # ever slip through unescaped.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">",
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
            f"<header><h1>{e(title)}</h1>",
            f'<p class="lede">{num(f.records)} record(s) from {e(", ".join(p.inputs) or "stdin")}'
            f" · generated {e(p.generated_at.isoformat())} by dualscreen "
            f"{e(p.dualscreen_version)}</p>",
            f'<nav aria-label="Sections"><ol>{nav}</ol></nav></header><main>',
            _summary(f),
            _rules(f),
            _destinations(f),
            _lists(f),
            _monitoring(f),
            _details(f),
            _provenance(f),
            "</main><footer>dualscreen decides on the lists and rules named under Provenance; "
            "a flag asks for an officer's review, a block means the shipment must not go ahead "
            "as recorded.</footer></body></html>\n",
        ]
    )
