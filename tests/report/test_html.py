"""The page: self-contained, escaped, accessible, and honest about what it leaves out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from dualscreen.models import Action, Verdict
from dualscreen.report.html import render_html
from tests.report.test_figures import build, decision, mineral, party

NASTY = "<script>alert('x')</script>"


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def page() -> str:
    figures = build(
        [
            decision(
                NASTY,
                Verdict.BLOCK,
                (party(Action.BLOCK), mineral("nickel", '<b onmouseover="x">ore</b>')),
                consignee=NASTY,
                destination_country='"><svg onload=alert(1)>',
                quantity="5",
                unit="<i>t</i>",
                value="10",
                currency="usd",
            ),
            decision("2", Verdict.PASS, (mineral("cobalt", "refined"),), destination_country="JP"),
        ]
    )
    return render_html(figures)


def test_every_value_from_a_record_is_text() -> None:
    html = page()
    tags = Collect()
    tags.feed(html)
    names = {tag for tag, _ in tags.tags}
    assert "script" not in names and "b" not in names and "i" not in names
    assert not any(k.startswith("on") for _, attrs in tags.tags for k in attrs)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;i&gt;t&lt;/i&gt;" in html


def test_nothing_is_fetched() -> None:
    html = page()
    tags = Collect()
    tags.feed(html)
    for tag, attrs in tags.tags:
        assert tag not in {"script", "link", "img", "iframe", "object", "embed"}
        assert "src" not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith("#"), href
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    assert "default-src 'none'" in html  # and the browser would refuse a fetch anyway


def test_charts_have_titles_and_text_alternatives() -> None:
    html = page()
    charts = re.findall(r"<svg [^>]*>", html)
    assert charts
    for svg in charts:
        chart_id = re.search(r'id="([^"]+)"', svg)
        assert chart_id and 'role="img"' in svg
        assert f'aria-labelledby="{chart_id[1]}-t {chart_id[1]}-d"' in svg
        assert f'<title id="{chart_id[1]}-t">' in html and f'<desc id="{chart_id[1]}-d">' in html
    assert html.count('<th scope="col"') > 20  # the figures are in tables too


def test_records_left_out_are_counted_and_said() -> None:
    flagged = [decision(str(i), Verdict.FLAG, (party(Action.FLAG),)) for i in range(3)]
    html = render_html(build(flagged, max_details=1))
    assert 'id="total-flag">3<' in html
    assert re.search(r'id="details-omitted">2 more flagged or blocked record\(s\) not shown', html)


def test_print_styles() -> None:
    html = page()
    assert "@media print" in html and "thead { display: table-header-group; }" in html


def test_a_chart_shows_the_largest_bars_and_sums_the_others() -> None:
    many = [
        decision(str(i), Verdict.PASS, destination_country=f"X{chr(65 + i % 26)}{i // 26}")
        for i in range(30)
    ]
    html = render_html(build(many))
    chart = re.search(r'<svg [^>]*id="chart-destinations".*?</svg>', html)
    assert chart and chart[0].count("<rect") == 20 + 3  # 20 bars, 3 legend keys
    assert "11 others" in chart[0]
    table = re.search(r'<table id="table-destinations".*?</table>', html)
    assert table and table[0].count("<tr>") == 1 + 30  # the table lists every destination
