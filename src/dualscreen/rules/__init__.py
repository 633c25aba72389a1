"""Strategic-trade rules: YAML files validated into typed rules, evaluated as pure functions."""

from dualscreen.rules.evaluate import evaluate
from dualscreen.rules.loader import load_rules
from dualscreen.rules.models import RuleSet

__all__ = ["RuleSet", "evaluate", "load_rules"]
