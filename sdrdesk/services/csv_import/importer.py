"""One CSV import: one transaction, one ImportRun, every data row accounted for.

Rows are read as text in a streaming pass and handled in batches: each batch is turned into
plans (pure Python: values cleaned, phones parsed), checked for duplicates with one query per
batch, and written with staged bulk inserts (`bulk.py`) inside the single transaction. Memory
therefore depends on the batch size, not on the file; only the book's company names (for exact
and near-duplicate matching) are held in full. Cancel, a refused file, a file that vanishes
mid-read and a busy book all roll the transaction back: the book is as it was.

Duplicate rules (`policy`):
- a contact is a duplicate when its e-mail is already in the book; an account when its website's
  domain is, for a bare company site ("https://acme.com/"), or else when its company name is
  (case and spacing aside; a page deeper in a site, "ain.fr/musees/x", is no company's domain);
- `skip` counts the row as a duplicate; `update` writes the row's non-empty values over the
  existing record (remembering the old values for undo), adds phone numbers it lacks and links a
  company only when it has none; `keep_both` creates a new record;
- a row repeating an e-mail or company created earlier in the same file is a duplicate under
  `skip` and `update` (nothing existed before to update).
Rows whose cells cannot be decoded, that have more non-empty fields than the header, that
carry a malformed e-mail or that hold no name, e-mail, phone or company are rejected with a
reason. Short rows are accepted: missing trailing fields are empty (Salesforce report rows
for accounts without contacts are written that way). Invalid phone numbers are kept and flagged.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import OperationalError

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.domain.clock import Clock, SystemClock
from sdrdesk.domain.errors import BookBusy, DatabaseOpenError, ImportFileRejected
from sdrdesk.domain.ids import new_id
from sdrdesk.services.csv_import import values as v
from sdrdesk.services.csv_import.bulk import StagedInsert
from sdrdesk.services.csv_import.countries import country_name
from sdrdesk.services.csv_import.detect import Detection, detect
from sdrdesk.services.csv_import.ids import ordered_id
from sdrdesk.services.csv_import.mapping import ColumnMapping, base_field, guess_mapping
from sdrdesk.services.csv_import.people import Candidate, KnownPerson, PeopleLookup
from sdrdesk.services.csv_import.planning import Plan, RowPlanner
from sdrdesk.services.csv_import.reader import CsvRecordReader, Record
from sdrdesk.services.csv_import.region import infer_region
from sdrdesk.services.csv_import.report import MAX_LISTED, ImportReport, RowOutcome
from sdrdesk.services.csv_safe import neutralise
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

log = logging.getLogger(__name__)

POLICIES = ("skip", "update", "keep_both")
ProgressFn = Callable[[int, int], None]
_PROGRESS_EVERY_S = 0.1
_FUZZY_CUTOFF = 90.0
_FUZZY_CAP = 300_000
IMPORT_CACHE_KIB = -32768  # negative: KiB, as SQLite's PRAGMA cache_size takes it

_ACCOUNT_T = m.Account.__table__
_CONTACT_T = m.Contact.__table__
_PHONE_T = m.ContactPhone.__table__
_ITEM_T = m.ImportRunItem.__table__
_RUN_T = m.ImportRun.__table__


@dataclass
class ImportOptions:
    source_label: str | None = None
    # ISO alpha-2 for numbers written without a country code; None: inferred from the file's
    # numbers and addresses (`region.py`), with `region_fallback` (the rep's region) as a candidate.
    default_region: str | None = None
    region_fallback: str | None = "US"
    policy: str = "skip"
    mapping: ColumnMapping | None = None  # the whole mapping (wizard); else guessed from headers
    overrides: Mapping[str, str | None] | None = None  # {header: field} applied on top (--map)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    report_dir: Path | None = None  # where the report and rejects files go; None writes none
    batch_size: int = 500
    # The same e-mail with a clearly different name, or the same website with a clearly different
    # company name: "keep_both" (default: two records, counted apart) or "skip" (as duplicates).
    possible_duplicates: str = "keep_both"
    # Rows one field too long that joining two neighbours fixes: imported repaired when True
    # (the rep accepted the repair the preview offered), else rejected with the repair named.
    repair_splits: bool = False


@dataclass(slots=True)
class _KnownAccount:
    id: uuid.UUID
    domain: str | None
    mine: bool  # created by this run
    city: str | None = None
    name: str | None = None

    def same_place(self, city: str | None) -> bool:
        """Unknown on either side counts as the same; two known, different towns do not."""
        return not (self.city and city) or self.city.casefold() == city.casefold()


class _Run:
    def __init__(self, path: Path, uow_factory: UowFactory, options: ImportOptions, *,
                 clock: Clock, progress: ProgressFn | None, cancel: CancelToken | None,
                 dry_run: bool, max_rows: int | None, collect_rows: bool,
                 opener: Callable[[Path], Any] | None) -> None:
        if options.policy not in POLICIES:
            raise ValueError(f"unknown duplicate policy {options.policy!r}")
        self.path = Path(path)
        self.uow_factory = uow_factory
        self.o = options
        self.clock = clock
        self.progress = progress
        self.cancel = cancel
        self.dry_run = dry_run
        self.max_rows = max_rows
        self.collect_rows = collect_rows
        self.opener = opener
        self.detection: Detection = detect(self.path, encoding=options.encoding,
                                           delimiter=options.delimiter, header_row=options.header_row)
        mapping = options.mapping or guess_mapping(self.detection.headers, self.detection.sample_rows)
        if options.overrides:
            mapping = mapping.with_overrides(options.overrides)
        if len(mapping.headers) != len(self.detection.headers):
            raise ImportFileRejected("The column mapping was made for a file with different columns.")
        self.mapping = mapping
        fields = mapping.mapped_fields
        refuse_unusable(self.path.name, self.detection, mapping)
        region = options.default_region
        decisions = list(mapping.notes)
        if region is None:
            guess = infer_region(mapping, self.detection.sample_rows, options.region_fallback)
            region = guess.region
            if fields & {"contact.phone", "account.phone"}:
                decisions.append(guess.reason)
        elif fields & {"contact.phone", "account.phone"}:
            decisions.append(f"Numbers without a country code are read as {country_name(region)} "
                             f"({region}), as chosen.")
        self.region = region
        self.planner = RowPlanner(mapping, region, delimiter=self.detection.delimiter,
                                  repair_splits=options.repair_splits)
        self.width = len(self.detection.headers)
        self.now = clock.now()
        self.report = ImportReport(
            file=self.path.name, encoding=self.detection.encoding, delimiter=self.detection.delimiter,
            encoding_label=self.detection.encoding_label, bom=self.detection.has_bom,
            line_ending=self.detection.line_ending,
            header_row=self.detection.header_row, kind=mapping.kind, policy=options.policy,
            unmapped_columns=mapping.unmapped, mapping=mapping.to_json(),
            warnings=list(self.detection.warnings) + list(mapping.warnings), decisions=decisions,
            status="preview" if dry_run else "done",
        )
        self.run_id = new_id()
        self.label_id: uuid.UUID | None = None
        self.names: dict[str, list[_KnownAccount]] = {}  # one name, several towns
        self.by_external: dict[str, _KnownAccount] = {}  # accounts by their source system's id
        self.missing_refs: dict[str, int] = {}  # account ids contact rows named that the book lacks
        self.fuzzy: dict[str, list[str]] = {}
        self.fuzzy_names: dict[str, str] = {}
        self.fuzzy_size = 0
        self.updated_ids: set[uuid.UUID] = set()
        self._rejects_tmp: Path | None = None
        self._skipped_tmp: Path | None = None
        self._skipped_handle: Any = None
        self._skipped_writer: Any = None
        self._rejects_handle: Any = None
        self._rejects_writer: Any = None
        self._last_progress = 0.0

    def _load_accounts(self, conn: Connection) -> None:
        rows = conn.execute(select(_ACCOUNT_T.c.id, _ACCOUNT_T.c.name, _ACCOUNT_T.c.domain,
                                   _ACCOUNT_T.c.city, _ACCOUNT_T.c.external_id)
                            .where(_ACCOUNT_T.c.deleted_at.is_(None)))
        for account_id, name, domain, city, external_id in rows:
            known = _KnownAccount(account_id, domain, False, city, name)
            self.names.setdefault(v.company_key(name or ""), []).append(known)
            if external_id:
                self.by_external.setdefault(external_id, known)
            self._remember_fuzzy(name or "")

    def _remember_fuzzy(self, name: str) -> None:
        key = v.fuzzy_key(name)
        if len(key) < 3 or self.fuzzy_size >= _FUZZY_CAP or key in self.fuzzy_names:
            return
        self.fuzzy.setdefault(key[:2], []).append(key)
        self.fuzzy_names[key] = name
        self.fuzzy_size += 1

    def _flag_near_duplicate(self, name: str) -> None:
        key = v.fuzzy_key(name)
        choices = self.fuzzy.get(key[:2]) if len(key) >= 3 else None
        if choices:
            match = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if match is not None:
                self.report.near_duplicate_count += 1
                if len(self.report.near_duplicates) < MAX_LISTED:
                    self.report.near_duplicates.append(
                        {"name": name, "similar_to": self.fuzzy_names[match[0]], "score": f"{match[1]:.0f}"})
        self._remember_fuzzy(name)

    def _source_label(self, uow: Any) -> None:
        name = (self.o.source_label or "").strip() or \
            f"{self.path.stem} ({self.now.astimezone().strftime('%Y-%m-%d %H:%M')})"
        self.report.source_label = name
        label = uow.source_labels.by_name(name)
        if label is None:
            label = m.SourceLabel(id=new_id(), name=name, created_at=self.now, updated_at=self.now)
            uow.source_labels.add(label)
            uow.session.flush()
            self._items.append(self._item("source_label", label.id, "created", None))
        self.label_id = label.id
        self.report.source_label_id = str(label.id)

    def _item(self, record_type: str, record_id: uuid.UUID, action: str,
              before: dict[str, Any] | None) -> dict[str, Any]:
        return {"id": ordered_id(), "import_run_id": self.run_id, "record_type": record_type,
                "record_id": record_id, "action": action, "before": before,
                "created_at": self.now, "updated_at": self.now, "deleted_at": None}

    # ---- the run -----------------------------------------------------------------------------
    def execute(self) -> ImportReport:
        started = time.perf_counter()
        self._items: list[dict[str, Any]] = []
        self._stages: dict[str, StagedInsert] = {}
        try:
            total = self.path.stat().st_size
        except OSError:
            total = 0
        reader = CsvRecordReader(self.path, self.detection, opener=self.opener)
        try:
            with self.uow_factory() as uow:
                conn = uow.session.connection()
                # Rows reference each other inside the batch; check the keys once, at commit.
                conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
                # Random UUID keys touch index pages all over the file: a 32 MB page cache (fixed,
                # whatever the file size) makes a 100k-row import about a third faster than 2 MB.
                cache_before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
                conn.exec_driver_sql(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
                try:
                    self._fill(uow, conn, reader, total, started)
                finally:
                    with contextlib.suppress(Exception):
                        conn.exec_driver_sql(f"PRAGMA cache_size = {cache_before}")
                if self.dry_run:
                    return self.report
                uow.commit()
                self.report.import_run_id = str(self.run_id)
        except (OperationalError, BookBusy) as exc:
            self._discard_files()
            if isinstance(exc, BookBusy) or "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseOpenError(
                    "The book is busy: another sdrdesk window or program is writing to it. Nothing was "
                    "imported; try again in a moment.", detail=str(exc)) from exc
            raise
        except BaseException:
            self._discard_files()
            raise
        self._finish_files()
        if self.progress is not None:
            self.progress(total, total)
        return self.report

    def _fill(self, uow: Any, conn: Connection, reader: CsvRecordReader, total: int, started: float) -> None:
        """Everything inside the transaction: the run record, every batch, the final counts."""
        uow.session.add(m.ImportRun(
            id=self.run_id, file_name=str(self.path.name), kind=self.mapping.kind,
            encoding=self.detection.encoding, delimiter=self.detection.delimiter,
            started_at=self.now, status="running", created_at=self.now, updated_at=self.now))
        self._source_label(uow)
        uow.session.flush()
        self._load_accounts(conn)
        batch: list[Record] = []
        try:
            for record in reader:
                if self.cancel is not None and self.cancel.cancelled:
                    raise OperationCancelled()
                batch.append(record)
                if len(batch) >= self.o.batch_size:
                    self._batch(conn, batch)
                    batch = []
                    self._tick(reader.progress_bytes, total)
                if self.max_rows is not None and self.report.rows + len(batch) >= self.max_rows:
                    break
            if batch:
                self._batch(conn, batch)
        except OSError as exc:
            raise ImportFileRejected(
                f"{self.path.name} could not be read to the end ({exc.strerror or exc}); it may "
                "have been moved, deleted or locked by another program while importing. "
                "Nothing was imported.") from exc
        if self.cancel is not None and self.cancel.cancelled:
            raise OperationCancelled()
        self._flush_items(conn)
        for stage in self._stages.values():
            stage.drop(conn)
        self.report.row_outcomes.sort(key=lambda o: o.number)  # rejects are decided first
        self._final_warnings()
        self.report.seconds = round(time.perf_counter() - started, 3)
        if self.dry_run:
            return
        self._place_files()
        conn.execute(update(_RUN_T).where(_RUN_T.c.id == self.run_id).values(
            source_label_id=self.label_id, finished_at=self.clock.now(), status="done",
            rows=self.report.rows, imported=self.report.imported, updated=self.report.updated,
            duplicates=self.report.duplicates, rejected=self.report.rejected,
            rejects_file=self.report.rejects_file, report=self.report.to_dict()))

    def _final_warnings(self) -> None:
        r = self.report
        r.repairable_rows, r.repairs = self.planner.repairable, self.planner.repairs
        if self.planner.repairable:
            done = "were repaired and imported" if self.o.repair_splits else (
                "can be repaired (accept the repair in the preview, or pass --repair-splits); "
                "they were rejected")
            r.warnings.append(f"{self.planner.repairable:,} row(s) had one field too many where an unquoted "
                              f"delimiter split a value (e.g. {self.planner.repairs[0]['value']!r} in "
                              f"\"{self.planner.repairs[0]['column']}\"): they {done}.")
        r.spreadsheet_damaged_phones = self.planner.damaged
        if self.planner.damaged:
            r.warnings.append(
                f"{self.planner.damaged:,} phone number(s) look damaged by a spreadsheet, e.g. "
                f"{'; '.join(self.planner.damaged_examples[:3])}: kept as typed and flagged; fix them in "
                "the source (format the column as text) and import again.")
        if r.missing_account_refs:
            example = ", ".join(list(self.missing_refs)[:3])
            r.warnings.append(
                f"{r.missing_account_refs:,} contact(s) refer to accounts this book does not have "
                f"(ids such as {example}): import the accounts file first, then this one again "
                "(with \"update\" for the rows already imported) to link them.")
        for header, count in self.planner.long_extras.items():
            r.warnings.append(f'"{header}": {count:,} value(s) longer than 2,000 characters (pictures or '
                              "blobs?) were not kept as extra fields.")
        for text, rows in sorted(self.planner.unknown_countries.items(), key=lambda kv: -len(kv[1])):
            listed = ", ".join(str(n) for n in rows[:10]) + (", ..." if len(rows) > 10 else "")
            r.warnings.append(f'Country "{text}" was not recognised (rows {listed}): left empty, and those '
                              "rows' numbers without a country code are kept as typed with no E.164 form.")
        if r.phones_invalid:
            where = f"their row's country or {country_name(self.region)} ({self.region})" if self.region \
                else "their row's country"
            r.warnings.append(f"{r.phones_invalid:,} phone number(s) are not valid numbers of {where}: kept "
                              "as typed and flagged, with no E.164 form and no time zone.")

    def _tick(self, done: int, total: int) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self._last_progress >= _PROGRESS_EVERY_S:
            self._last_progress = now
            self.progress(done, total)

    def _outcome(self, plan: Plan | None, number: int, outcome: str, reason: str = "",
                 record: str = "", label: str = "") -> None:
        r = self.report
        r.rows += 1
        if outcome == "imported":
            r.imported += 1
        elif outcome == "updated":
            r.updated += 1
        elif outcome == "duplicate":
            r.duplicates += 1
            r.duplicate_reasons[reason] = r.duplicate_reasons.get(reason, 0) + 1
        else:
            r.rejected += 1
            r.reject_reasons[_reason_kind(reason)] = r.reject_reasons.get(_reason_kind(reason), 0) + 1
        if self.collect_rows and len(r.row_outcomes) < MAX_LISTED:
            r.row_outcomes.append(RowOutcome(number, plan.record if plan else record, outcome,
                                             plan.label if plan else label, reason))

    def _referenced(self, plan: Plan) -> _KnownAccount | None:
        """The account a contact row names by its source system's id (Salesforce AccountId,
        HubSpot Associated Company ID); a missing one is counted when the row has no company."""
        ref = plan.account_ref
        if not ref:
            return None
        known = self.by_external.get(ref)
        if known is None and plan.account is None:
            self.report.missing_account_refs += 1
            self.missing_refs[ref] = self.missing_refs.get(ref, 0) + 1
        return known

    def _other_company(self, plan: Plan, known: _KnownAccount) -> bool:
        """True when the row's company shares a website with `known` but is clearly another one
        (an umbrella or city site: "Musée A" and "Musée B" at ville.fr). Counted apart when the
        row's company would otherwise be taken as `known`."""
        account = plan.account
        assert account is not None
        if not account.get("domain_key") or account.get("domain_key") != known.domain:
            return False
        return v.clearly_different_companies(account["name"], known.name or "")

    def _possible(self, plan: Plan, why: str, matched: str) -> None:
        r = self.report
        r.possible_duplicate_count += 1
        if len(r.possible_duplicates) < MAX_LISTED:
            r.possible_duplicates.append({"row": str(plan.number), "label": plan.label, "why": why,
                                          "matched": matched, "choice": self.o.possible_duplicates})

    def _skip(self, plan: Plan, reason: str, matched: str) -> None:
        """A duplicate: counted, and written to the skipped-rows file with what it matched."""
        self._outcome(plan, plan.number, "duplicate", reason)
        if reason.startswith("possible duplicate"):
            self._possible(plan, reason.removeprefix("possible duplicate: "), matched)
        if self.dry_run or self.o.report_dir is None:
            return
        if self._skipped_writer is None:
            self.o.report_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".skipped-", suffix=".csv", dir=self.o.report_dir)
            self._skipped_tmp = Path(name)
            self._skipped_handle = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
            self._skipped_writer = csv.writer(self._skipped_handle, delimiter=self.detection.delimiter)
            self._skipped_writer.writerow([*self.detection.headers, "skipped because", "matched record"])
        head = (list(plan.cells) + [""] * self.width)[:self.width]
        self._skipped_writer.writerow([*head, f"row {plan.number}: {reason}", matched])

    def _reject(self, record: Record, reason: str) -> None:
        self._outcome(None, record.number, "rejected", reason, "row", " ".join(record.cells[:3])[:80])
        if self.dry_run or self.o.report_dir is None:
            return
        if self._rejects_writer is None:
            self.o.report_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".rejects-", suffix=".csv", dir=self.o.report_dir)
            self._rejects_tmp = Path(name)
            # utf-8-sig so spreadsheet programs show accents; the input's own delimiter and columns.
            self._rejects_handle = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
            self._rejects_writer = csv.writer(self._rejects_handle, delimiter=self.detection.delimiter)
            self._rejects_writer.writerow([*self.detection.headers, "error"])
        cells = list(record.cells)
        head = (cells + [""] * self.width)[:self.width]
        where = f"row {record.number} (line {record.line})" if record.line else f"row {record.number}"
        # Formula-safe like an export: the wizard opens this file in a spreadsheet with one click.
        self._rejects_writer.writerow([neutralise(c) for c in (*head, f"{where}: {reason}",
                                                                 *cells[self.width:])])

    def _batch(self, conn: Connection, records: list[Record]) -> None:
        plans: list[Plan] = []
        for record in records:
            if self.cancel is not None and self.cancel.cancelled:
                raise OperationCancelled()
            result = self.planner.plan(record)
            if isinstance(result, str):
                self._reject(record, result)
            else:
                plans.append(result)
        if not plans:
            return
        emails = {p.email for p in plans if p.email}
        existing_contacts: dict[str, tuple[uuid.UUID, uuid.UUID | None]] = {}
        # Everyone holding each e-mail: (id, first name, last name, import run).
        existing_names: dict[str, list[tuple[uuid.UUID, str | None, str | None, Any]]] = {}
        if emails:
            for cid, email, run_id, first, last in conn.execute(
                    select(_CONTACT_T.c.id, _CONTACT_T.c.email, _CONTACT_T.c.import_run_id,
                           _CONTACT_T.c.first_name, _CONTACT_T.c.last_name)
                    .where(_CONTACT_T.c.deleted_at.is_(None), _CONTACT_T.c.email.in_(emails))):
                existing_contacts.setdefault(email, (cid, run_id))
                existing_names.setdefault(email, []).append((cid, first, last, run_id))
        external_ids = {p.contact["external_id"] for p in plans if p.contact and p.contact.get("external_id")}
        by_external_contact: dict[str, tuple[uuid.UUID, Any]] = {}
        if external_ids:
            for cid, external_id, run_id in conn.execute(
                    select(_CONTACT_T.c.id, _CONTACT_T.c.external_id, _CONTACT_T.c.import_run_id)
                    .where(_CONTACT_T.c.deleted_at.is_(None), _CONTACT_T.c.external_id.in_(external_ids))):
                by_external_contact.setdefault(external_id, (cid, run_id))
        domains = {p.account["domain_key"] for p in plans if p.account and p.account.get("domain_key")}
        by_domain: dict[str, _KnownAccount] = {}
        if domains:
            for aid, domain, run_id, name in conn.execute(
                    select(_ACCOUNT_T.c.id, _ACCOUNT_T.c.domain, _ACCOUNT_T.c.import_run_id,
                           _ACCOUNT_T.c.name)
                    .where(_ACCOUNT_T.c.deleted_at.is_(None), _ACCOUNT_T.c.domain.in_(domains))):
                by_domain.setdefault(domain, _KnownAccount(aid, domain, run_id == self.run_id, name=name))
        people = None
        if self.o.policy != "keep_both":
            people = PeopleLookup.load(conn, self._candidates(plans, by_domain, existing_contacts))
        new_accounts: list[dict[str, Any]] = []
        new_contacts: list[dict[str, Any]] = []
        new_phones: list[dict[str, Any]] = []
        batch_emails: dict[str, list[tuple[uuid.UUID, str | None, str | None, Any]]] = {}
        for plan in plans:
            if plan.record == "account":
                assert plan.account is not None
                known = self._find_account(plan.account, by_domain)
                if known is not None and known.name and self._other_company(plan, known):
                    if self.o.possible_duplicates == "skip":
                        self._skip(plan, "possible duplicate: same website, different company name",
                                   _account_ref(known))
                        continue
                    self._possible(plan, "same website, different company name", _account_ref(known))
                    known = None  # keep both: a separate company, counted apart
                if known is not None and self.o.policy != "keep_both":
                    if known.mine or known.id in self.updated_ids or self.o.policy == "skip":
                        where = "earlier in this file" if known.mine else "already in the book"
                        self._skip(plan, f"company {where}", _account_ref(known))
                    elif self._update_account(conn, known.id, plan.account):
                        self._outcome(plan, plan.number, "updated")
                    else:
                        self._skip(plan, "nothing new for this company", _account_ref(known))
                    continue
                self._create_account(plan.account, by_domain, new_accounts)
                self._outcome(plan, plan.number, "imported")
                continue
            contact = plan.contact
            assert contact is not None
            existing = existing_contacts.get(plan.email) if plan.email else None
            if plan.email and plan.email in batch_emails:
                existing = batch_emails[plan.email][0][0], batch_emails[plan.email][0][3]
            if existing is not None and plan.email:
                holders = existing_names.get(plan.email, []) + batch_emails.get(plan.email, [])
                first_name, last_name = contact.get("first_name"), contact.get("last_name")
                same = [h for h in holders
                        if not v.clearly_different_people(first_name, last_name, h[1], h[2])]
                if same:
                    existing = (same[0][0], same[0][3])
                elif holders:
                    other = holders[0]
                    if self.o.possible_duplicates == "skip":
                        self._skip(plan, "possible duplicate: same e-mail, different name",
                                   _contact_ref(other[0], other[1], other[2], plan.email))
                        continue
                    self._possible(plan, "same e-mail, different name",
                                   _contact_ref(other[0], other[1], other[2], plan.email))
                    existing = None
            reason, by_email = "e-mail already in the book", True
            external = contact.get("external_id")
            if existing is None and external and external in by_external_contact:
                existing, by_email = by_external_contact[external], False
                reason = "same source-system id already in the book"
            if existing is None and people is not None:
                match = people.match(contact, plan.email, _numbers(plan),
                                     self._book_account_ids(plan, by_domain))
                if match is not None:
                    existing, reason, by_email = (match.person.id, match.person.run_id), match.reason, False
            if existing is not None and self.o.policy != "keep_both":
                cid, run_id = existing
                if run_id == self.run_id or cid in self.updated_ids or self.o.policy == "skip":
                    self._skip(plan, _earlier(reason) if run_id == self.run_id else reason, f"contact {cid}")
                    continue
                def account_for_update(plan: Plan = plan) -> uuid.UUID | None:
                    # Only asked when the contact has no company yet: never create one to leave unused.
                    referenced = self._referenced(plan)
                    if referenced is not None:
                        return referenced.id
                    if plan.account is None:
                        return None
                    known = self._find_account(plan.account, by_domain)
                    return known.id if known else self._create_account(plan.account, by_domain, new_accounts)

                if plan.email and not by_email:  # the contact may take this e-mail now
                    batch_emails.setdefault(plan.email, []).append(
                        (cid, contact.get("first_name"), contact.get("last_name"), run_id))
                if self._update_contact(conn, cid, contact, plan.phones, account_for_update, new_phones,
                                        keep_email=by_email):
                    self._outcome(plan, plan.number, "updated")
                else:
                    self._skip(plan, "nothing new for this contact", f"contact {cid}")
                continue
            account_id = None
            referenced = self._referenced(plan)
            if referenced is not None:
                account_id = referenced.id
            elif plan.account is not None:
                known = self._find_account(plan.account, by_domain)
                if known is not None and known.name and self._other_company(plan, known):
                    self.report.possible_duplicate_companies += 1
                    known = None  # another company on the same website: the contact's own company
                account_id = known.id if known else self._create_account(
                    plan.account, by_domain, new_accounts)
            contact_id = ordered_id()
            new_contacts.append({
                "id": contact_id, "account_id": account_id, **contact, "persona": None,
                "pinned_timezone": None, "consent_basis": None, "consent_date": None,
                "source_label_id": self.label_id, "import_run_id": self.run_id,
                "created_at": self.now, "updated_at": self.now, "deleted_at": None})
            for phone in plan.phones:
                new_phones.append(self._phone_row(contact_id, phone))
            if plan.email:
                batch_emails.setdefault(plan.email, []).append(
                    (contact_id, contact.get("first_name"), contact.get("last_name"), self.run_id))
            if external:
                by_external_contact.setdefault(external, (contact_id, self.run_id))
            if people is not None:
                known_person = KnownPerson(contact_id, account_id, plan.email, self.run_id, _numbers(plan))
                people.add(known_person, contact)
            self.report.contacts_created += 1
            self._outcome(plan, plan.number, "imported")
        # Order matters for the search-index triggers: accounts, then phones, then contacts, so
        # each new contact's index row is written once with its company and phones (a phone
        # inserted after its contact rewrites that row). Foreign keys are checked at commit.
        self._stage(conn, _ACCOUNT_T).write(conn, new_accounts)
        self._stage(conn, _PHONE_T).write(conn, new_phones)
        self._stage(conn, _CONTACT_T).write(conn, new_contacts)
        self._flush_items(conn)

    def _stage(self, conn: Connection, table: Any) -> StagedInsert:
        stage = self._stages.get(table.name)
        if stage is None:
            stage = self._stages[table.name] = StagedInsert(conn, table)
        return stage

    def _phone_row(self, contact_id: uuid.UUID, phone: dict[str, Any]) -> dict[str, Any]:
        self.report.phones += 1
        if not phone["is_valid"]:
            self.report.phones_invalid += 1
        return {"id": ordered_id(), "contact_id": contact_id, **phone,
                "created_at": self.now, "updated_at": self.now, "deleted_at": None}

    def _flush_items(self, conn: Connection) -> None:
        if self._items:
            conn.execute(insert(_ITEM_T), self._items)
            self._items = []

    def _find_account(self, account: dict[str, Any],
                      by_domain: dict[str, _KnownAccount]) -> _KnownAccount | None:
        external = account.get("external_id")
        if external and external in self.by_external:
            return self.by_external[external]  # the same record of the same source system
        key = account.get("domain_key")
        if key and key in by_domain:
            return by_domain[key]
        domain, city = account.get("domain"), account.get("city")
        for known in self.names.get(v.company_key(account["name"]), ()):
            # Same name but another website, or another town: a different company (a
            # subsidiary, a namesake, the "Musée archéologique" of each French town).
            if domain and known.domain and known.domain != domain:
                continue
            if known.same_place(city):
                return known
        return None

    def _candidates(self, plans: list[Plan], by_domain: dict[str, _KnownAccount],
                    existing_contacts: Mapping[str, Any]) -> list[Candidate]:
        """The contact rows whose e-mail did not find anyone. Their companies are taken as the book
        has them before the batch (rows creating a company match each other through
        `PeopleLookup.add`); a row with an e-mail is looked up by name alone."""
        candidates = []
        for plan in plans:
            if plan.contact is None or (plan.email and plan.email in existing_contacts):
                continue
            accounts = frozenset() if plan.email else self._book_account_ids(plan, by_domain)
            candidates.append(Candidate(plan.contact, plan.email, accounts, _numbers(plan)))
        return candidates

    def _book_account_ids(self, plan: Plan, by_domain: dict[str, _KnownAccount]) -> frozenset[uuid.UUID]:
        """Every account, in the book or this batch, that the row's company could be (never creates
        one): its domain's, or all of its name's with no other website, whatever the town, since
        a row often carries no town and the person is known by name too."""
        account = plan.account
        if account is None:
            return frozenset()
        key = account.get("domain_key")
        if key and key in by_domain:
            return frozenset((by_domain[key].id,))
        domain = account.get("domain")
        return frozenset(known.id for known in self.names.get(v.company_key(account["name"]), ())
                         if not (domain and known.domain and known.domain != domain))

    def _create_account(self, account: dict[str, Any], by_domain: dict[str, _KnownAccount],
                        new_accounts: list[dict[str, Any]]) -> uuid.UUID:
        account_id = ordered_id()
        row = {
            "id": account_id, "name": account["name"], "domain": account.get("domain"),
            "website": account.get("website"), "industry": account.get("industry"),
            "employee_count": account.get("employee_count"), "annual_revenue": account.get("annual_revenue"),
            "phone_raw": account.get("phone_raw"), "phone_e164": account.get("phone_e164"),
            "country": account.get("country"), "region": account.get("region"), "city": account.get("city"),
            "timezone": None, "source_label_id": self.label_id, "icp_tier": None, "likely_pain": None,
            "buyer_roles": None, "research_notes": None, "first_line_ideas": None,
            "notes": account.get("notes"), "import_run_id": self.run_id,
            "external_id": account.get("external_id"), "extra_fields": account.get("extra_fields"),
            "created_at": self.now, "updated_at": self.now, "deleted_at": None,
        }
        new_accounts.append(row)
        known = _KnownAccount(account_id, row["domain"], True, row["city"], row["name"])
        if account.get("domain_key"):
            by_domain[account["domain_key"]] = known
        self._flag_near_duplicate(account["name"])
        self.names.setdefault(v.company_key(account["name"]), []).append(known)
        if row["external_id"]:
            self.by_external.setdefault(row["external_id"], known)
        self.report.accounts_created += 1
        return account_id

    def _update_row(self, conn: Connection, table: Any, record_type: str, record_id: uuid.UUID,
                    new_values: dict[str, Any]) -> bool:
        current = conn.execute(select(table).where(table.c.id == record_id)).mappings().one()
        new_values = _merged(current, new_values)
        changes = {k: val for k, val in new_values.items() if val not in (None, "") and current[k] != val}
        if not changes:
            return False
        before = {k: _to_json(current[k]) for k in [*changes, "updated_at"]}
        conn.execute(update(table).where(table.c.id == record_id).values(**changes, updated_at=self.now))
        self._items.append(self._item(record_type, record_id, "updated", before))
        self.updated_ids.add(record_id)
        return True

    def _update_account(self, conn: Connection, account_id: uuid.UUID, account: dict[str, Any]) -> bool:
        values = {k: account.get(k) for k in ("name", "website", "domain", "industry", "employee_count",
                                              "annual_revenue", "phone_raw", "phone_e164", "country",
                                              "region", "city", "notes", "external_id", "extra_fields")}
        changed = self._update_row(conn, _ACCOUNT_T, "account", account_id, values)
        if changed:
            self.report.accounts_updated += 1
        return changed

    def _update_contact(self, conn: Connection, contact_id: uuid.UUID, contact: dict[str, Any],
                        phones: list[dict[str, Any]], account_for_update: Callable[[], uuid.UUID | None],
                        new_phones: list[dict[str, Any]], *, keep_email: bool) -> bool:
        """Write the row's new values over the contact. `keep_email`: the e-mail is what matched
        (so it stays as stored); otherwise a row's e-mail fills a contact that had none."""
        values = dict(contact)
        if keep_email:
            values.pop("email", None)
        current_account = conn.execute(
            select(_CONTACT_T.c.account_id).where(_CONTACT_T.c.id == contact_id)).scalar()
        if current_account is None:
            values["account_id"] = account_for_update()
        changed = self._update_row(conn, _CONTACT_T, "contact", contact_id, values)
        existing = conn.execute(
            select(_PHONE_T.c.e164, _PHONE_T.c.raw, _PHONE_T.c.position)
            .where(_PHONE_T.c.contact_id == contact_id, _PHONE_T.c.deleted_at.is_(None))).all()
        keys = {row.e164 or v.clean(row.raw) for row in existing}
        position = max((row.position for row in existing), default=-1) + 1
        for phone in phones:
            if (phone["e164"] or v.clean(phone["raw"])) in keys:
                continue
            row = self._phone_row(contact_id, {**phone, "position": position})
            position += 1
            new_phones.append(row)
            self._items.append(self._item("contact_phone", row["id"], "created", None))
            changed = True
        if changed:
            self.updated_ids.add(contact_id)
            self.report.contacts_updated += 1
        return changed

    # ---- files -------------------------------------------------------------------------------
    def _stem(self) -> str:
        return f"{self.path.stem}-import-{self.now.strftime('%Y%m%d-%H%M%S')}"

    def _place_files(self) -> None:
        if self.o.report_dir is None:
            return
        stem = self._stem()
        self.report.report_file = str(self.o.report_dir / f"{stem}.json")
        if self._rejects_tmp is not None:
            self.report.rejects_file = str(self.o.report_dir / f"{stem}-rejects.csv")
        if self._skipped_tmp is not None:
            self.report.skipped_file = str(self.o.report_dir / f"{stem}-skipped.csv")

    def _finish_files(self) -> None:
        if self.o.report_dir is None:
            return
        if self._rejects_handle is not None:
            self._rejects_handle.close()
            os.replace(self._rejects_tmp, self.report.rejects_file)  # type: ignore[arg-type]
        if self._skipped_handle is not None:
            self._skipped_handle.close()
            os.replace(self._skipped_tmp, self.report.skipped_file)  # type: ignore[arg-type]
        self.o.report_dir.mkdir(parents=True, exist_ok=True)
        assert self.report.report_file is not None
        target = Path(self.report.report_file)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(json.dumps(self.report.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)

    def _discard_files(self) -> None:
        files = ((self._rejects_handle, self._rejects_tmp), (self._skipped_handle, self._skipped_tmp))
        for handle, tmp in files:
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        self.report.skipped_file = None
        self.report.rejects_file = None
        self.report.report_file = None


def _merged(current: Mapping[str, Any], new_values: dict[str, Any]) -> dict[str, Any]:
    """An update adds to what a record kept rather than replacing it: extra fields are merged
    (the row's values win), other e-mails are joined."""
    values = dict(new_values)
    extra, old_extra = values.get("extra_fields"), current.get("extra_fields")
    if extra and old_extra:
        with contextlib.suppress(ValueError, TypeError):
            values["extra_fields"] = json.dumps({**json.loads(old_extra), **json.loads(extra)},
                                                ensure_ascii=False)
    others, old_others = values.get("other_emails"), current.get("other_emails")
    if others and old_others:
        values["other_emails"] = "\n".join(dict.fromkeys([*old_others.splitlines(), *others.splitlines()]))
    return values


def _account_ref(known: _KnownAccount) -> str:
    return f'company "{known.name}" ({known.id})' if known.name else f"company {known.id}"


def _contact_ref(cid: uuid.UUID, first: str | None, last: str | None, email: str | None) -> str:
    name = " ".join(p for p in (first, last) if p)
    return f'contact "{name}" <{email}> ({cid})' if name else f"contact <{email}> ({cid})"


def _earlier(reason: str) -> str:
    """The reason for a row repeating one this same import created ("... earlier in this file")."""
    return reason.replace("already in the book", "earlier in this file")


def _numbers(plan: Plan) -> set[str]:
    return {phone["e164"] for phone in plan.phones if phone["e164"]}


def _reason_kind(reason: str) -> str:
    """Group reasons for the summary ("e-mail "x" is not valid" -> one line per kind)."""
    if reason.startswith('e-mail "'):
        return "e-mail is not a valid address"
    if reason.startswith("has ") and "would fit the columns" in reason:
        return "one field too many, repairable by joining two neighbours (repair not accepted)"
    if reason.startswith("has ") and "fields but the header has" in reason:
        return "more fields than the header (a delimiter inside an unquoted value?)"
    return reason


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_KEY_FIELDS = frozenset({"account.name", "contact.first_name", "contact.last_name", "contact.full_name",
                         "contact.email", "contact.phone"})


def refuse_unusable(name: str, detection: Detection, mapping: ColumnMapping) -> None:
    """Raise `ImportFileRejected` when no column can make a row a contact or an account; the
    message lists every column that matched (and as what), every one that did not, and what is
    missing. Needs no book, so a refused file creates nothing."""
    if mapping.mapped_fields & _KEY_FIELDS:
        return
    headers = detection.headers
    if any(v.is_email(h.lower()) or v.digits_share(h) > 0.5 for h in headers):
        raise ImportFileRejected(
            f"The first line of {name} looks like data, not column names "
            f"({', '.join(headers[:4])}). Add a header row such as "
            "First Name,Last Name,Email,Company,Phone, or map the columns in the import wizard.")
    from sdrdesk.services.csv_import.aliases import DROP, FIELD_LABELS, IGNORE

    def label(i: int) -> str:
        return f'"{headers[i]}"' if headers[i] else f"(column {i + 1})"

    matched = [f"{label(i)} as {FIELD_LABELS.get(base_field(f), f)}" for i, f in enumerate(mapping.fields)
               if f not in (IGNORE, DROP)]
    unmatched = [label(i) for i, f in enumerate(mapping.fields) if f in (IGNORE, DROP)]
    raise ImportFileRejected(
        f"{name} has no column for a person's name, an e-mail, a phone or a company name, so no row "
        "can become a contact or an account. "
        + (f"Matched {len(matched)} of {len(headers)} columns: {', '.join(matched)}. " if matched
           else f"None of its {len(headers)} columns matched. ")
        + (f"Not matched: {', '.join(unmatched)}. " if unmatched else "")
        + "Missing: a name (First Name, Last Name or Full Name), Email, Phone or Company column. Map "
          "the columns in the import wizard, or pass --map '{\"Column\": \"contact.email\"}'.")


def check_file(path: Path, options: ImportOptions | None = None) -> tuple[Detection, ColumnMapping]:
    """Detect and map `path` and refuse it as `import_csv` would, without touching any book."""
    options = options or ImportOptions()
    detection = detect(path, encoding=options.encoding, delimiter=options.delimiter,
                       header_row=options.header_row)
    mapping = options.mapping or guess_mapping(detection.headers, detection.sample_rows)
    if options.overrides:
        mapping = mapping.with_overrides(options.overrides)
    refuse_unusable(Path(path).name, detection, mapping)
    return detection, mapping


def import_csv(path: Path, uow_factory: UowFactory, options: ImportOptions | None = None, *,
               clock: Clock | None = None, progress: ProgressFn | None = None,
               cancel: CancelToken | None = None,
               opener: Callable[[Path], Any] | None = None) -> ImportReport:
    """Import `path` into the book in one transaction. Raises `ImportFileRejected` for refused files
    and `OperationCancelled` when cancelled; in both cases the book is unchanged."""
    run = _Run(path, uow_factory, options or ImportOptions(), clock=clock or SystemClock(),
               progress=progress, cancel=cancel, dry_run=False, max_rows=None, collect_rows=False,
               opener=opener)
    return run.execute()


def preview_csv(path: Path, uow_factory: UowFactory, options: ImportOptions | None = None, *,
                max_rows: int = 200, clock: Clock | None = None) -> ImportReport:
    """Run the import on the first `max_rows` rows and roll it back: exact outcomes, nothing written."""
    run = _Run(path, uow_factory, options or ImportOptions(), clock=clock or SystemClock(),
               progress=None, cancel=None, dry_run=True, max_rows=max_rows, collect_rows=True, opener=None)
    return run.execute()


def inspect_file(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
                 header_row: int | None = None) -> tuple[Detection, ColumnMapping]:
    detection = detect(path, encoding=encoding, delimiter=delimiter, header_row=header_row)
    return detection, guess_mapping(detection.headers, detection.sample_rows)
