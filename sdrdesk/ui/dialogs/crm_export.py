"""File > Export for CRM: choose the CRM, the window and the record types, see the counts, write.

Everything runs off the GUI thread through the facade (`workspace.crm`): the preview on a
reader, the export on the serial writer (it moves the "since last export" marks). The dialog
is non-modal and never touches the book itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.file_opener import DesktopFileOpener, FileOpener

if TYPE_CHECKING:
    from sdrdesk.services.crm_export.push import OutboxItem, OutboxSummary, PushResult
    from sdrdesk.services.crm_export.service import CrmExportResult, ExportPreview
    from sdrdesk.services.workspace import Workspace

TARGETS = (("hubspot", "HubSpot"), ("salesforce", "Salesforce"), ("plain", "Plain CSV (any CRM)"))
RECORD_TYPES = (("activities", "Calls, e-mails, LinkedIn, notes"), ("meetings", "Meetings"),
                ("contacts", "Contacts (with do-not-contact flags)"), ("accounts", "Accounts"))


class CrmExportDialog(QDialog):
    sig_exported = Signal(object)
    """Emitted with the list of CrmExportResult once every chosen type was written."""
    sig_preview_ready = Signal()
    sig_outbox_shown = Signal()
    """The outbox counts and failed rows were (re)drawn."""
    sig_push_finished = Signal(object)
    """PushResult, or the exception that stopped the push before it started."""

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dialog.crm_export")
        self.setWindowTitle("Export for CRM")
        self._generation = 0  # a preview that comes back after a newer request is dropped
        self.previews: dict[str, ExportPreview] = {}

        self.target = QComboBox(self)
        self.target.setObjectName("crm.target")
        for key, label in TARGETS:
            self.target.addItem(label, key)

        self.since_last = QRadioButton("Since the last export for this CRM", self)
        self.since_date = QRadioButton("Changed since", self)
        self.since_all = QRadioButton("Everything", self)
        self.since_last.setChecked(True)
        self._since_group = QButtonGroup(self)
        for button in (self.since_last, self.since_date, self.since_all):
            self._since_group.addButton(button)
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("crm.since_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = ctx.clock.now().date()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.date_edit.setEnabled(False)
        since_box = QVBoxLayout()
        since_box.addWidget(self.since_last)
        row = QHBoxLayout()
        row.addWidget(self.since_date)
        row.addWidget(self.date_edit)
        row.addStretch(1)
        since_box.addLayout(row)
        since_box.addWidget(self.since_all)

        self.type_boxes: dict[str, QCheckBox] = {}
        types_box = QVBoxLayout()
        for key, label in RECORD_TYPES:
            box = QCheckBox(label, self)
            box.setObjectName(f"crm.type.{key}")
            box.setChecked(True)
            self.type_boxes[key] = box
            types_box.addWidget(box)

        self.folder = QLineEdit(self)
        self.folder.setObjectName("crm.folder")
        workspace = ctx.workspace
        if workspace is not None:
            self.folder.setText(str(workspace.path.parent / "exports"))

        form = QFormLayout()
        form.addRow("CRM:", self.target)
        form.addRow("Records:", types_box)
        form.addRow("Which:", since_box)
        form.addRow("Folder:", self.folder)

        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("crm.preview")
        self.table.setHorizontalHeaderLabels(["Records", "Rows", "File(s)"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel("", self)
        self.status.setObjectName("crm.status")
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("crm.export")
        self.export_button.setDefault(True)
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.opener: FileOpener = DesktopFileOpener()
        self.open_folder_button = QPushButton("Open folder", self)
        self.open_folder_button.setObjectName("crm.open_folder")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(lambda: self.opener.open(Path(self.folder.text().strip())))
        self.buttons.addButton(self.open_folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.export)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Preview (nothing is written until you press Export):", self))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self._build_push_box())
        layout.addWidget(self.buttons)
        self.resize(680, 680)

        self.target.currentIndexChanged.connect(self.refresh_preview)
        self._since_group.buttonToggled.connect(self._on_since_toggled)
        self.date_edit.dateChanged.connect(self.refresh_preview)
        for box in self.type_boxes.values():
            box.toggled.connect(self.refresh_preview)
        self.refresh_preview()
        self.refresh_outbox()

    def _build_push_box(self) -> QGroupBox:
        box = QGroupBox("Push to HubSpot (optional, when online)", self)
        box.setObjectName("crm.push_box")
        self.token_state = QLabel("", box)
        self.token_edit = QLineEdit(box)
        self.token_edit.setObjectName("crm.token")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("HubSpot private-app token (kept only in the keychain)")
        self.save_token_button = QPushButton("Save token", box)
        self.save_token_button.clicked.connect(self.save_token)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.save_token_button)
        self.outbox_label = QLabel("", box)
        self.outbox_label.setObjectName("crm.outbox")
        self.push_button = QPushButton("Push now", box)
        self.push_button.setObjectName("crm.push")
        self.push_button.clicked.connect(self.push)
        self.retry_button = QPushButton("Retry failed", box)
        self.retry_button.clicked.connect(self.retry_failed)
        actions = QHBoxLayout()
        actions.addWidget(self.outbox_label, 1)
        actions.addWidget(self.retry_button)
        actions.addWidget(self.push_button)
        self.failed_list = QListWidget(box)
        self.failed_list.setObjectName("crm.failed")
        self.failed_list.setMaximumHeight(90)
        self.failed_list.setWordWrap(True)
        self.failed_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QVBoxLayout(box)
        inner.addWidget(self.token_state)
        inner.addLayout(token_row)
        inner.addLayout(actions)
        inner.addWidget(self.failed_list)
        return box

    # -- push --------------------------------------------------------------------------------
    _push_cancel: CancelToken | None = None

    def done(self, result: int) -> None:
        if self._push_cancel is not None:  # closing stops a push between records; the rest stays queued
            self._push_cancel.cancel()
        super().done(result)

    @Slot()
    def refresh_outbox(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None:
            return

        def job() -> tuple[bool, OutboxSummary, list[OutboxItem]]:
            crm = workspace.crm
            return crm.hubspot_token_set(), crm.outbox_summary(), crm.outbox_items(("failed",), 50)

        self.ctx.runner.run(job, self._show_outbox, self._on_error, serial_db=False)

    def _show_outbox(self, state: tuple[bool, OutboxSummary, list[OutboxItem]]) -> None:
        has_token, counts, failed = state
        self.token_state.setText("A token is saved in the keychain." if has_token
                                 else "No token yet: paste a private-app token to push.")
        self.outbox_label.setText(f"Outbox: {counts.queued:,} waiting · {counts.failed:,} failed · "
                                  f"{counts.sent:,} sent")
        self.push_button.setEnabled(has_token)
        self.retry_button.setEnabled(counts.failed > 0)
        self.failed_list.clear()
        for item in failed:
            text = f"{item.description} — {item.last_error}"
            self.failed_list.addItem(text)
            self.failed_list.item(self.failed_list.count() - 1).setToolTip(text)
        self.failed_list.setVisible(bool(failed))
        self.sig_outbox_shown.emit()

    @Slot()
    def save_token(self) -> None:
        workspace = self.ctx.workspace
        token = self.token_edit.text()
        if workspace is None:
            return
        self.token_edit.clear()  # never kept in a widget longer than needed

        def job() -> None:
            workspace.crm.set_hubspot_token(token)

        self.ctx.runner.run(job, lambda _none: self.refresh_outbox(), self._on_error, serial_db=False)

    @Slot()
    def push(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None:
            return
        self.push_button.setEnabled(False)
        self.status.setText("Pushing to HubSpot…")

        runner = self.ctx.runner
        cancel = self._push_cancel = CancelToken()

        def job() -> PushResult:
            return workspace.crm.push_hubspot(write=runner.write_and_wait, cancel=cancel)

        def failed(exc: BaseException) -> None:
            self._on_error(exc)
            self.sig_push_finished.emit(exc)
            self.refresh_outbox()

        # The network waits run on a reader; each outbox row's outcome is a small job on the
        # serial writer (write_and_wait), so the writer is never held by HubSpot.
        self.ctx.runner.run(job, self._on_pushed, failed, serial_db=False)

    def _on_pushed(self, result: PushResult) -> None:
        text = (f"HubSpot: {result.sent:,} sent, {result.failed:,} refused, "
                f"{result.remaining:,} still waiting.")
        if result.stopped:
            text += f"\n{result.stopped}"
        self.status.setText(text)
        self.ctx.bus.sig_status_message.emit(f"HubSpot push: {result.sent:,} sent")
        self.sig_push_finished.emit(result)
        self.refresh_outbox()

    @Slot()
    def retry_failed(self) -> None:
        workspace = self.ctx.workspace
        if workspace is not None:
            self.ctx.runner.run(lambda: workspace.crm.retry_failed(), lambda _n: self.refresh_outbox(),
                                self._on_error, serial_db=True)

    # -- choices ----------------------------------------------------------------------------
    @property
    def target_key(self) -> str:
        return str(self.target.currentData())

    def since_value(self) -> str | date | None:
        if self.since_last.isChecked():
            return "last"
        if self.since_date.isChecked():
            return self.date_edit.date().toPython()  # type: ignore[no-any-return]
        return None

    def chosen_types(self) -> list[str]:
        return [key for key, box in self.type_boxes.items() if box.isChecked()]

    def out_path(self, record_type: str) -> Path:
        return Path(self.folder.text().strip() or ".") / f"{self.target_key}-{record_type}.csv"

    @Slot()
    def _on_since_toggled(self, *_args: object) -> None:
        self.date_edit.setEnabled(self.since_date.isChecked())
        self.refresh_preview()

    # -- preview ----------------------------------------------------------------------------
    @Slot()
    def refresh_preview(self, *_args: object) -> None:
        workspace = self.ctx.workspace
        if workspace is None:
            self.status.setText("Open a book first.")
            self.export_button.setEnabled(False)
            return
        self._generation += 1
        generation = self._generation
        target, since, types = self.target_key, self.since_value(), self.chosen_types()
        self.status.setText("Counting…")
        self.export_button.setEnabled(False)

        def job() -> tuple[Any, ...]:
            return workspace.crm.preview_all(target, since, types)

        self.ctx.runner.run(job, lambda previews: self._show_preview(generation, previews),
                            self._on_error, serial_db=False)

    def _show_preview(self, generation: int, previews: tuple[ExportPreview, ...]) -> None:
        if generation != self._generation:
            return
        self.previews = {p.record_type: p for p in previews}
        self.table.setRowCount(len(previews))
        labels = dict(RECORD_TYPES)
        for i, preview in enumerate(previews):
            files = self._file_names(preview)
            for col, text in enumerate((labels[preview.record_type], f"{preview.rows:,}", files)):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, col, item)
        self.table.resizeRowsToContents()
        total = sum(p.rows for p in previews)
        window = previews[0].window.label if previews else ""
        self.status.setText(f"{total:,} rows to write ({window})." if previews else "Choose what to export.")
        self.export_button.setEnabled(bool(previews))
        self.sig_preview_ready.emit()

    def _file_names(self, preview: ExportPreview) -> str:
        """One line per file: HubSpot takes one activity object per file, so activities make several."""
        out = self.out_path(preview.record_type)
        if len(preview.sheets) == 1:
            return out.name
        lines = []
        for i, sheet in enumerate(preview.sheets):
            name = out.name if i == 0 else f"{out.stem}-{sheet.key}{out.suffix}"
            lines.append(f"{name}: {sheet.rows:,} {sheet.key}")
        return "\n".join(lines)

    # -- export ----------------------------------------------------------------------------
    @Slot()
    def export(self) -> None:
        workspace = self.ctx.workspace
        types = self.chosen_types()
        if workspace is None or not types:
            return
        target, since = self.target_key, self.since_value()
        outs = {t: self.out_path(t) for t in types}
        self.export_button.setEnabled(False)
        self.status.setText("Writing…")
        self._run_export(workspace, target, since, outs, self._on_exported)

    def _run_export(self, workspace: Workspace, target: str, since: str | date | None,
                    outs: dict[str, Path], on_done: Callable[[list[CrmExportResult]], None]) -> None:
        def write_files() -> list[CrmExportResult]:
            return [workspace.crm.export(target, t, out, since, remember=False) for t, out in outs.items()]

        def remember(results: list[CrmExportResult]) -> None:
            # The files are written on a reader; only the small "since last" marks use the writer.
            def job() -> list[CrmExportResult]:
                for result in results:
                    workspace.crm.remember(result)
                return results

            self.ctx.runner.run(job, on_done, self._on_error, serial_db=True)

        self.ctx.runner.run(write_files, remember, self._on_error, serial_db=False)

    def _on_exported(self, results: list[CrmExportResult]) -> None:
        lines = [f"{f.rows:,} {f.sheet} → {f.path.name}" for r in results for f in r.files]
        folder = results[0].files[0].path.parent if results and results[0].files else ""
        self.status.setText(f"Written to {folder}:\n" + "\n".join(lines))
        self.ctx.bus.sig_status_message.emit(
            f"Exported {sum(r.rows for r in results):,} rows for {dict(TARGETS)[results[0].target]}"
            if results else "Nothing exported")
        self.open_folder_button.setEnabled(True)
        self.sig_exported.emit(results)
        self.export_button.setEnabled(True)

    def _on_error(self, exc: BaseException) -> None:
        message = getattr(exc, "user_message", None) or str(exc) or type(exc).__name__
        self.status.setText(f"Nothing was written: {message}")
        self.export_button.setEnabled(self.ctx.workspace is not None)
