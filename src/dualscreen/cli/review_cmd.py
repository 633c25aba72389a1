"""`dualscreen review`: record that a party is, or is not, a list entry, in the case store."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dualscreen.audit import AuditError, AuditLog, review_record, utc_now
from dualscreen.cli.common import (
    ListFormatOption,
    ListsOption,
    audit_option,
    check_list_format,
    err,
)
from dualscreen.cli.store_option import StoreOption, check_store_path
from dualscreen.defaults import default_lists
from dualscreen.errors import ListError
from dualscreen.lists import load_lists
from dualscreen.models import ListEntry, RestrictedList
from dualscreen.review import Review, ReviewVerdict, entry_fingerprint
from dualscreen.store import Store, resolve_store

app = typer.Typer(help="Clear or confirm party hits, kept in a case store.", no_args_is_help=True)

AuditOption = Annotated[
    Path | None,
    audit_option(
        "Append the review to this audit file, hash-chained with the screening runs (see `audit`)."
    ),
]
PartyOption = Annotated[
    str, typer.Option("--party", help="The party name as the records give it.", show_default=False)
]
EntryOption = Annotated[
    str, typer.Option("--entry", help="The list entry id the party hit.", show_default=False)
]
ReviewerOption = Annotated[
    str, typer.Option("--reviewer", help="Who reviewed the hit.", show_default=False)
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why: what was checked.", show_default=False)
]
ListOption = Annotated[
    str | None,
    typer.Option(
        "--list",
        help="The list the entry is on. Default: the entry id in any list.",
        show_default=False,
    ),
]


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command("clear")
def clear(
    party: PartyOption,
    entry: EntryOption,
    reviewer: ReviewerOption,
    reason: ReasonOption,
    store: StoreOption = None,
    list_name: ListOption = None,
    expires: Annotated[
        dt.datetime | None,
        typer.Option(
            "--expires",
            formats=["%Y-%m-%d"],
            help="The clearance lapses on this date. Default: never.",
            show_default=False,
        ),
    ] = None,
    lists: ListsOption = None,
    list_format: ListFormatOption = None,
    audit: AuditOption = None,
) -> None:
    """Record that PARTY is not list entry ENTRY: later screens show the hit as cleared and do
    not count it, until it expires or the entry's names or programs change."""
    _record(
        ReviewVerdict.CLEARED,
        party,
        entry,
        reviewer,
        reason,
        store,
        list_name,
        lists,
        list_format,
        expires.date() if expires else None,
        audit,
    )


@app.command("confirm")
def confirm(
    party: PartyOption,
    entry: EntryOption,
    reviewer: ReviewerOption,
    reason: ReasonOption,
    store: StoreOption = None,
    list_name: ListOption = None,
    lists: ListsOption = None,
    list_format: ListFormatOption = None,
    audit: AuditOption = None,
) -> None:
    """Record that PARTY is list entry ENTRY: later screens show the hit as confirmed; it counts."""
    _record(
        ReviewVerdict.CONFIRMED,
        party,
        entry,
        reviewer,
        reason,
        store,
        list_name,
        lists,
        list_format,
        None,
        audit,
    )


@app.command("list")
def list_reviews(
    store: StoreOption = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ListFormat.TABLE,
) -> None:
    """Show every review in the store, oldest first."""
    path = resolve_store(store)
    assert path is not None
    with Store(path, create=False) as opened:
        reviews = opened.reviews()
    if output_format is ListFormat.JSON:
        typer.echo(json.dumps([_as_json(r) for r in reviews], indent=2, ensure_ascii=False))
        return
    table = Table()
    for column in ("id", "verdict", "party", "list", "entry", "reviewer", "date", "expires"):
        table.add_column(column, no_wrap=column in ("id", "verdict", "date", "expires"))
    table.add_column("reason", overflow="fold")
    for r in reviews:
        table.add_row(
            str(r.id),
            r.verdict.value,
            r.party,
            r.list or "(any)",
            r.entry_id,
            r.reviewer,
            r.created_at.date().isoformat(),
            r.expires.isoformat() if r.expires else "-",
            r.reason,
        )
    Console().print(table)


def _record(
    verdict: ReviewVerdict,
    party: str,
    entry_id: str,
    reviewer: str,
    reason: str,
    store: Path | None,
    list_name: str | None,
    lists: list[Path] | None,
    list_format: str | None,
    expires: dt.date | None,
    audit: Path | None,
) -> None:
    check_list_format(list_format)
    path = resolve_store(store)
    assert path is not None  # not opt-in: the default store when none is named
    check_store_path(path, audit=audit)
    for option, value in (("--party", party), ("--reviewer", reviewer), ("--reason", reason)):
        if not value.strip():
            raise typer.BadParameter("must not be empty", param_hint=option)
    loaded = load_lists(lists or default_lists(), list_format)
    entry = find_entry(loaded, entry_id, list_name)
    review = Review(
        party=party.strip(),
        entry_id=entry_id,
        fingerprint=entry_fingerprint(entry),
        verdict=verdict,
        reviewer=reviewer.strip(),
        reason=reason.strip(),
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        list=list_name,
        expires=expires,
    )
    # The audit file is opened (locked, checked) first: a review it cannot take is not made.
    log = AuditLog(audit, on_wait=_waiting).open() if audit is not None else None
    try:
        with Store(path) as opened:
            saved = opened.add_review(review)
        audited = ""
        if log is not None:
            try:
                log.append(
                    review_record(
                        run=uuid.uuid4().hex,
                        ts=utc_now(),
                        review=_as_json(saved),
                        entry=_entry_json(loaded, entry, list_name),
                        store=str(path),
                    )
                )
                log.close()
            except AuditError as exc:
                raise AuditError(
                    f"review {saved.id} was stored but could not be audited: {exc.message}",
                    path=exc.path,
                ) from exc
            audited = f"; audit {log.path} line {log.seq} sha256:{log.head}"
    finally:
        if log is not None:
            log.close(sync=False)
    until = f", until {expires.isoformat()}" if expires else ""
    err.print(
        f"review {saved.id}: {verdict.value} {party!r} against {list_name or 'any list'} entry "
        f"{entry_id} ({entry.name}){until}{audited}",
        soft_wrap=True,
    )


def _waiting() -> None:
    err.print("waiting for a screening run to finish writing the audit file...")


def _entry_json(
    lists: list[RestrictedList], entry: ListEntry, list_name: str | None
) -> dict[str, object]:
    """The entry as reviewed, for the audit: which list and version it was read from."""
    source = next(
        (
            lst.info
            for lst in lists
            if list_name in (None, lst.info.name) and any(e is entry for e in lst.entries)
        ),
        None,
    )
    return {
        "list": source.name if source else list_name,
        "list_version": source.version if source else None,
        "list_sha256": source.sha256 if source else None,
        "entry_id": entry.entry_id,
        "name": entry.name,
        "aliases": list(entry.aliases),
        "programs": list(entry.programs),
        "fingerprint": entry_fingerprint(entry),
    }


def find_entry(lists: list[RestrictedList], entry_id: str, list_name: str | None) -> ListEntry:
    """The one entry with this id (in `list_name`, if given) among the loaded lists."""
    if list_name is not None and list_name not in {lst.info.name for lst in lists}:
        names = ", ".join(lst.info.name for lst in lists)
        raise ListError(f"no list named {list_name!r} is loaded (loaded: {names})")
    found = [
        (lst.info.name, e)
        for lst in lists
        if list_name is None or lst.info.name == list_name
        for e in lst.entries
        if e.entry_id == entry_id
    ]
    where = f"list {list_name!r}" if list_name else "the loaded lists"
    if not found:
        raise ListError(f"no entry {entry_id!r} in {where}; check the id with the list")
    if len({name for name, _ in found}) > 1:
        names = ", ".join(sorted({name for name, _ in found}))
        raise ListError(f"entry {entry_id!r} is in several lists ({names}); name one with --list")
    return found[0][1]


def _as_json(review: Review) -> dict[str, object]:
    return {
        "id": review.id,
        "verdict": review.verdict.value,
        "party": review.party,
        "list": review.list,
        "entry_id": review.entry_id,
        "entry_fingerprint": review.fingerprint,
        "reviewer": review.reviewer,
        "reason": review.reason,
        "created_at": review.created_at.isoformat(),
        "expires": review.expires.isoformat() if review.expires else None,
    }
