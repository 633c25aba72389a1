"""Explanation templates: `{name}` and `{score:.2f}` placeholders, and nothing that can run code.

str.format would let a rules file reach object attributes (`{value.__class__}`); this only
substitutes plain names, with an optional numeric format spec.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")


_BRACED = re.compile(r"\{[^{}]*\}")


def placeholders(template: str) -> frozenset[str]:
    """The placeholder names a template uses. A braced text that is not a plain placeholder
    (`{value.__class__}`, `{0}`) is returned as written, so validation rejects it by name."""
    return frozenset(
        m.group(1) if (m := _PLACEHOLDER.fullmatch(b.group(0))) else b.group(0)
        for b in _BRACED.finditer(template)
    )


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill a template; an empty or absent value renders as an empty string."""

    def substitute(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if value is None:
            return ""
        spec = m.group(2)
        if spec and isinstance(value, int | float):
            try:
                return format(value, spec)
            except ValueError:
                return str(value)
        if isinstance(value, tuple | list):
            return ", ".join(str(v) for v in value)
        return str(value)

    return _PLACEHOLDER.sub(substitute, template).strip()
