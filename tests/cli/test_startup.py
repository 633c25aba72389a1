"""A one-record `screen` starts quickly: the CLI imports only what every run needs."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_nothing_a_plain_screen_run_does_without() -> None:
    """YAML, numpy, openpyxl, the importers of lists not loaded and the report's models each
    cost a one-record run milliseconds; they are imported where used."""
    code = "import sys, dualscreen.cli\nprint(' '.join(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(done.stdout.split())
    assert not imported & {
        "yaml",
        "numpy",
        "openpyxl",
        "dualscreen.lists.csl",
        "dualscreen.lists.eu",
        "dualscreen.lists.generic",
        "dualscreen.report.figures",
        "dualscreen.report.html",
    }
