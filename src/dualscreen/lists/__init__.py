"""Load restricted-party lists from files and folders, detecting each one's format."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from dualscreen.errors import ListError
from dualscreen.lists.cache import cached, content_key, file_digest
from dualscreen.lists.interface import Importer
from dualscreen.models import RestrictedList

_FORMATS: dict[str, tuple[str, str]] = {
    "ofac-sdn": ("ofac_sdn", "IMPORTER"),
    "ofac-sdn-xml": ("ofac_sdn_xml", "IMPORTER"),
    "un": ("un", "IMPORTER"),
    "eu-fsf-xml": ("eu", "XML"),
    "eu-fsf-csv": ("eu", "CSV"),
    "bis-dpl": ("bis_dpl", "IMPORTER"),
    "csl": ("csl", "IMPORTER"),
    "uk-ofsi": ("uk", "IMPORTER"),
    "opensanctions-ftm": ("opensanctions", "FTM"),
    # Before native CSV: targets.simple.csv has `id` and `name` columns too.
    "opensanctions-simple": ("opensanctions", "SIMPLE"),
    "generic-csv": ("generic", "IMPORTER"),
    "native-csv": ("native", "CSV"),
    "native-yaml": ("native", "YAML"),
}
"""Every list format: its importer's module and name, in detection order."""


class _Importers(Mapping[str, Importer]):
    """The importers by format, each module imported when its importer is first needed: a run
    that loads three lists from the cache need not import (and build the models of) thirteen."""

    def __getitem__(self, name: str) -> Importer:
        module, attribute = _FORMATS[name]
        importer: Importer = getattr(
            importlib.import_module(f"dualscreen.lists.{module}"), attribute
        )
        return importer

    def __contains__(self, name: object) -> bool:
        return name in _FORMATS

    def __iter__(self) -> Iterator[str]:
        return iter(_FORMATS)

    def __len__(self) -> int:
        return len(_FORMATS)


IMPORTERS: Mapping[str, Importer] = _Importers()
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
        if path.is_file() or forced is IMPORTERS["ofac-sdn"]:
            return [(forced, path)]
    elif IMPORTERS["ofac-sdn"].detect(path):
        return [(IMPORTERS["ofac-sdn"], path)]
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
        for importer, target in _discovered(path, list_format):
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


def _discovered(path: Path, list_format: str | None) -> list[tuple[Importer, Path]]:
    """`discover`, cached under the bytes and names of every file below `path`: detecting a
    format asks the importers in turn, and importing them all costs a one-record run more than
    hashing its list files once more. Errors are `discover`'s own, never cached."""
    try:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        digest = hashlib.sha256()
        for file in files:
            digest.update(str(file.relative_to(path)).encode() + b"\0")
            digest.update(file_digest(file))
    except (OSError, ValueError):
        return discover(path, list_format)
    key = content_key("discover", str(path.resolve()), list_format or "", digest.hexdigest())
    found = cached(
        "discover", key, lambda: [(i.format, str(t)) for i, t in discover(path, list_format)]
    )
    return [(IMPORTERS[name], Path(target)) for name, target in found]
