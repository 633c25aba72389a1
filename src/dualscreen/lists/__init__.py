"""Load restricted-party lists from files and folders, detecting each one's format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists import (
    bis_dpl,
    csl,
    eu,
    generic,
    native,
    ofac_sdn,
    ofac_sdn_xml,
    opensanctions,
    uk,
    un,
)
from dualscreen.lists.cache import cached, content_key
from dualscreen.lists.interface import Importer
from dualscreen.models import RestrictedList

IMPORTERS: dict[str, Importer] = {
    imp.format: imp
    for imp in (
        ofac_sdn.IMPORTER,
        ofac_sdn_xml.IMPORTER,
        un.IMPORTER,
        eu.XML,
        eu.CSV,
        bis_dpl.IMPORTER,
        csl.IMPORTER,
        uk.IMPORTER,
        opensanctions.FTM,
        # Before native CSV: targets.simple.csv has `id` and `name` columns too.
        opensanctions.SIMPLE,
        generic.IMPORTER,
        native.CSV,
        native.YAML,
    )
}
"""Every list format by its `--list-format` name, in detection order."""

_NOT_LISTS = {".md", ".rst", ".html", ".pdf", ".pyc"}
_NOT_LIST_STEMS = ("readme", "license", "licence", "provenance", "notice", "changelog")
_NOT_LIST_ENDINGS = ("index.json",)  # OpenSanctions' dataset index beside its exports


def _is_documentation(path: Path) -> bool:
    name = path.name.lower()
    return (
        name.startswith((".", "_"))
        or path.suffix.lower() in _NOT_LISTS
        or name.startswith(_NOT_LIST_STEMS)
        or name.endswith(_NOT_LIST_ENDINGS)
    )


def discover(path: Path, list_format: str | None = None) -> list[tuple[Importer, Path]]:
    """Which importer reads which file or folder below `path`. Anything unrecognised is an error."""
    if not path.exists():
        raise ListError("no such list file or folder", path=path)
    if list_format is not None:
        forced = IMPORTERS[list_format]
        if path.is_file() or forced is ofac_sdn.IMPORTER:
            return [(forced, path)]
    elif ofac_sdn.IMPORTER.detect(path):
        return [(ofac_sdn.IMPORTER, path)]
    if path.is_dir():
        found: list[tuple[Importer, Path]] = []
        children = [c for c in sorted(path.iterdir()) if not _is_documentation(c)]
        # A list read from several files (a mapped CSV and its descriptor) is one list: the
        # files its importer reads besides the one detected are not lists of their own.
        claimed: set[Path] = set()
        for child in children:
            for importer in IMPORTERS.values():
                sources = getattr(importer, "source_files", None)
                if sources and child.is_file() and importer.detect(child):
                    claimed.update(p for p in sources(child) if p != child)
        for child in children:
            if child not in claimed:
                found.extend(discover(child, list_format))
        if not found:
            raise ListError("folder holds no restricted-party list", path=path)
        return found
    for importer in IMPORTERS.values():
        if importer.detect(path):
            return [(importer, path)]
    formats = ", ".join(IMPORTERS)
    raise ListError(f"cannot tell this list's format; pass --list-format ({formats})", path=path)


def load_cached(importer: Importer, target: Path) -> RestrictedList:
    """`importer.load(target)`, from the cache when the list's files are byte-identical."""
    sources = getattr(importer, "source_files", None)
    files = sources(target) if sources else [target]
    key = content_key(importer.format, str(target.resolve()), *files)
    return cached("lists", key, lambda: importer.load(target))


def load_lists(paths: Sequence[Path], list_format: str | None = None) -> list[RestrictedList]:
    """Load every list under `paths`, failing on the first that does not load completely."""
    loaded: list[RestrictedList] = []
    seen: set[str] = set()
    hashes: dict[str, str] = {}
    for path in paths:
        for importer, target in discover(path, list_format):
            lst = load_cached(importer, target)
            if lst.info.sha256 in hashes:
                raise ListError(
                    f"the same list is given twice (also at {hashes[lst.info.sha256]})", path=target
                )
            hashes[lst.info.sha256] = str(target)
            if lst.info.name in seen:
                # Two snapshots of one list (say SDN 2021 and 2024): keep both, named apart.
                renamed = lst.info.model_copy(
                    update={"name": f"{lst.info.name}@{lst.info.version}"}
                )
                if renamed.name in seen:
                    raise ListError(f"list {renamed.name!r} is given twice", path=target)
                lst = lst.model_copy(update={"info": renamed})
            seen.add(lst.info.name)
            loaded.append(lst)
    return loaded
