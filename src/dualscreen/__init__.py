"""dualscreen: screen shipment records against restricted-party lists and strategic-trade rules.

The library the CLI is built on::

    from dualscreen import Screener, read_source
    screener = Screener.from_paths(rules=[default_rules()], lists=default_lists())
    for decision in screener.screen(read_source("shipments.csv")):
        print(decision.id, decision.decision, [r.explanation for r in decision.reasons])
"""

from __future__ import annotations

__version__ = "0.1.0"

from dualscreen.defaults import default_lists, default_rules
from dualscreen.models import Decision, ListEntry, Reason, Shipment, Verdict
from dualscreen.records import read_source
from dualscreen.screening import Screener, decide

__all__ = [
    "Decision",
    "ListEntry",
    "Reason",
    "Screener",
    "Shipment",
    "Verdict",
    "__version__",
    "decide",
    "default_lists",
    "default_rules",
    "read_source",
]
