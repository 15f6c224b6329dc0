"""The result of an import (or a preview, or a cancelled run), as plain data for the CLI and the wizard."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_LISTED = 200  # near-duplicates and preview rows listed in a report; counts are always complete


@dataclass
class RowOutcome:
    """What happened (or would happen, in a preview) to one data row."""

    number: int
    record: str  # account, contact
    outcome: str  # imported, updated, duplicate, rejected
    label: str  # the row's name/e-mail/company, for display
    reason: str = ""


@dataclass
class ImportReport:
    file: str
    status: str = "done"  # done, cancelled, preview
    rows: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    encoding: str = ""  # Python codec name: utf-8, utf-8-sig (UTF-8 with BOM), utf-16-le, cp1252, ...
    encoding_label: str = ""  # for people: "UTF-8 with BOM", "Windows-1252"
    bom: bool = False
    line_ending: str = ""
    delimiter: str = ""
    header_row: int = 0
    kind: str = ""
    policy: str = "skip"
    source_label: str = ""
    source_label_id: str | None = None
    rejects_file: str | None = None
    skipped_file: str | None = None  # rows skipped as duplicates, with what each matched
    report_file: str | None = None
    import_run_id: str | None = None
    accounts_created: int = 0
    accounts_updated: int = 0
    contacts_created: int = 0
    contacts_updated: int = 0
    phones: int = 0
    phones_invalid: int = 0
    near_duplicates: list[dict[str, str]] = field(default_factory=list)
    near_duplicate_count: int = 0
    # Same e-mail with a clearly different name, same website with a clearly different company:
    # {"row", "label", "why", "matched", "choice"} (choice: keep_both or skip).
    possible_duplicates: list[dict[str, str]] = field(default_factory=list)
    possible_duplicate_count: int = 0
    possible_duplicate_companies: int = 0  # contact rows' companies kept apart on a shared website
    repairable_rows: int = 0  # rows one field too long that joining two neighbours fixes
    repairs: list[dict[str, str]] = field(default_factory=list)  # {"row", "column", "value"}
    spreadsheet_damaged_phones: int = 0  # negative, scientific notation, leading zero lost
    missing_account_refs: int = 0  # contact rows naming, by id, an account the book does not have
    reject_reasons: dict[str, int] = field(default_factory=dict)
    duplicate_reasons: dict[str, int] = field(default_factory=dict)  # how each was recognised
    warnings: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)  # how the file was read and why (roles, region)
    unmapped_columns: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    row_outcomes: list[RowOutcome] = field(default_factory=list)

    @property
    def accounted(self) -> bool:
        return self.imported + self.updated + self.duplicates + self.rejected == self.rows

    def to_dict(self, *, with_rows: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_rows:
            data.pop("row_outcomes")
        data["delimiter_name"] = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
            self.delimiter, self.delimiter)
        return data

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.file}: {self.rows:,} data rows ({self.status})",
            f"  imported {self.imported:,}, updated {self.updated:,}, "
            f"duplicates skipped {self.duplicates:,}, rejected {self.rejected:,}",
            f"  accounts created {self.accounts_created:,}, contacts created {self.contacts_created:,}; "
            f"phones {self.phones:,} ({self.phones_invalid:,} flagged invalid)",
            f"  encoding {self.encoding_label or self.encoding}, "
            f"delimiter {self.to_dict()['delimiter_name']}, source label \"{self.source_label}\"",
        ]
        if self.near_duplicate_count:
            lines.append(f"  {self.near_duplicate_count:,} company name(s) look like existing ones "
                         "(kept both)")
        if self.possible_duplicate_count:
            kept = sum(1 for p in self.possible_duplicates if p.get("choice") == "keep_both")
            lines.append(f"  {self.possible_duplicate_count:,} possible duplicate(s): same e-mail or "
                         f"website, clearly different name ({'kept both' if kept else 'skipped'})")
        if self.possible_duplicate_companies:
            lines.append(f"  {self.possible_duplicate_companies:,} contact row(s) kept their own company on "
                         "a website another company uses")
        for reason, count in sorted(self.duplicate_reasons.items(), key=lambda kv: -kv[1])[:10]:
            lines.append(f"  duplicates {count:,}: {reason}")
        for reason, count in sorted(self.reject_reasons.items(), key=lambda kv: -kv[1])[:10]:
            lines.append(f"  rejected {count:,}: {reason}")
        if self.rejects_file:
            lines.append(f"  rejected rows written to {self.rejects_file}")
        if self.skipped_file:
            lines.append(f"  skipped rows (with the record each matched) written to {self.skipped_file}")
        lines.extend(f"  read: {d}" for d in self.decisions)
        lines.extend(f"  note: {w}" for w in self.warnings)
        return lines
