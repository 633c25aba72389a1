"""Name matching: normalise party names and score them against the listed names and aliases."""

from dualscreen.matching.matcher import MatchMethod, NameHit, NameMatcher

__all__ = ["MatchMethod", "NameHit", "NameMatcher"]
