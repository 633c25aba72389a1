"""Load rules YAML into validated models; every error names the file, the line and the key."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dualscreen import models as shared_models
from dualscreen.errors import RulesError
from dualscreen.lists.cache import cached, content_key
from dualscreen.rules import models
from dualscreen.rules.models import RuleFile, RuleSet

if TYPE_CHECKING:
    import yaml

Lines = dict[tuple[Any, ...], int]
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


@cache
def _scalars() -> yaml.SafeLoader:
    """Safe constructors only: no Python objects from rules files."""
    import yaml

    return yaml.SafeLoader("")


def _to_python(node: yaml.Node, path: tuple[Any, ...], lines: Lines, file: Path) -> Any:
    """Build plain data from a composed YAML node, noting the line of every key and item."""
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise RulesError(
            f"invalid YAML: tag {node.tag!r} is not allowed in rules",
            path=file,
            line=node.start_mark.line + 1,
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node, (*path, "<key>"), {}, file)
            if key in out:
                raise RulesError(
                    f"key {key!r} appears twice", path=file, line=key_node.start_mark.line + 1
                )
            out[key] = _to_python(value_node, (*path, key), lines, file)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, i), lines, file) for i, item in enumerate(node.value)]
    return _scalars().construct_object(node, deep=True)


def _locate(loc: tuple[Any, ...], data: Any, lines: Lines) -> tuple[int | None, str]:
    """Map a pydantic error location to the YAML line, skipping union tags that are not keys."""
    path: tuple[Any, ...] = ()
    shown: list[str] = []
    current = data
    for part in loc:
        found = isinstance(current, dict) and part in current
        found |= isinstance(current, list) and isinstance(part, int) and part < len(current)
        if found:
            current = current[part]
        elif isinstance(current, dict) and not (path and part == current.get("kind")):
            path = (*path, part)  # a missing or forbidden key: report it by name
            shown.append(str(part))
            break
        else:
            continue
        path = (*path, part)
        shown.append(f"[{part}]" if isinstance(part, int) else str(part))
    line = None
    for n in range(len(path), -1, -1):
        if path[:n] in lines:
            line = lines[path[:n]]
            break
    return line, ".".join(shown).replace(".[", "[")


def load_rule_file(path: Path) -> RuleFile:
    import yaml  # here: a run whose rules are cached never imports it

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"cannot read rules file: {exc.strerror}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise RulesError("rules file is not UTF-8 text", path=path) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RulesError(f"invalid YAML: {exc.problem}", path=path, line=line) from exc
    if node is None:
        raise RulesError("rules file is empty", path=path)
    lines: Lines = {}
    try:
        data = _to_python(node, (), lines, path)
    except yaml.constructor.ConstructorError as exc:
        raise RulesError(f"invalid YAML value: {exc.problem}", path=path) from exc
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        # A misspelled key also makes its intended key "missing": report the cause first.
        err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        line, field = _locate(tuple(err["loc"]), data, lines)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (misspelled?)"
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise RulesError(f"{msg}{more}", path=path, line=line, field=field or None) from exc


def rule_files(path: Path) -> list[Path]:
    """A rules file, or every *.yaml / *.yml file in a folder (sorted, so runs are reproducible)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
        if not files:
            raise RulesError("folder holds no rules (*.yaml) files", path=path)
        return files
    if not path.exists():
        raise RulesError("no such rules file or folder", path=path)
    return [path]


def load_rules(paths: Sequence[Path]) -> RuleSet:
    """Load and merge rules files; a rule id used twice is an error, not a silent override.
    The validated rules are cached under the files' names and bytes and the source of the
    models they are made of (a change to those rebuilds them, no version to bump): parsing and
    validating the YAML cost a one-record run more than the rest of its rules work."""
    files = [f for p in paths for f in rule_files(p)]
    code = [Path(m.__file__) for m in (models, shared_models) if m.__file__]
    key = content_key("rules", *(str(f) for f in files), *files, *code)
    return cached("rules", key, lambda: _load(files))


def _load(paths: Sequence[Path]) -> RuleSet:
    rules = []
    files = []
    seen: dict[str, Path] = {}
    digest = hashlib.sha256()
    for file in paths:
        rule_file = load_rule_file(file)
        raw = file.read_bytes()
        digest.update(file.name.encode() + b"\0" + raw)
        files.append((str(file), rule_file.version or "", hashlib.sha256(raw).hexdigest()))
        for rule in rule_file.rules:
            if rule.id in seen:
                raise RulesError(
                    f"rule id {rule.id!r} is also defined in {seen[rule.id]}", path=file, field="id"
                )
            seen[rule.id] = file
            rules.append(rule)
    return RuleSet(rules=tuple(rules), files=tuple(files), sha256=digest.hexdigest())
