"""Reports an officer reads: decisions aggregated into figures (figures.py), shown as HTML
(html.py, svg.py) or JSON, from a run or from the case store (sources.py).

The package itself imports none of them: `dualscreen --help` and a one-record `screen` do not
pay for the report's models. Import what you need from its module."""

from __future__ import annotations

MAX_DETAILS = 1000
"""Flagged and blocked records shown in detail by default; the totals always count them all."""
