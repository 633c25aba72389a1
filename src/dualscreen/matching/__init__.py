"""Name matching: normalise party names and score them against every listed name and alias."""

from dualscreen.matching.matcher import MatchMethod, NameHit, NameMatcher

__all__ = ["MatchMethod", "NameHit", "NameMatcher"]
