"""Reports an officer reads: decisions aggregated into figures, shown as HTML or JSON."""

from __future__ import annotations

from dualscreen.report.figures import MAX_DETAILS, FiguresBuilder, ReportFigures
from dualscreen.report.html import render_html
from dualscreen.report.sources import run_provenance, stored_decisions

__all__ = [
    "MAX_DETAILS",
    "FiguresBuilder",
    "ReportFigures",
    "render_html",
    "run_provenance",
    "stored_decisions",
]
