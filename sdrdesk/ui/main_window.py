"""The main window: it only composes panes as docks, menus and the status bar.

Pane logic lives in `ui/panes/`; panes talk through the AppBus. Window state (geometry and
dock layout) is restored at start, clamped onto the screens that exist now, and saved on close.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from sdrdesk import __version__
from sdrdesk.ui import layouts
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.docks import DOCKS
from sdrdesk.ui.panes.empty_state import EmptyState
from sdrdesk.ui.theme import THEMES, apply_theme
from sdrdesk.ui.widget_state import restore_widget_state, save_widget_state
from sdrdesk.ui.widgets.outbox_status import OutboxStatus

if TYPE_CHECKING:  # these load the storage stack: imported on first use, after the first paint
    from sdrdesk.services.workspace import Workspace
    from sdrdesk.ui.dialogs.crm_export import CrmExportDialog
    from sdrdesk.ui.dialogs.import_wizard import ImportWizard
    from sdrdesk.ui.dialogs.preferences import PreferencesDialog

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1440, 900)
IMPORTABLE_SUFFIXES = (".csv", ".tsv", ".txt")  # what a file dropped on the window may be
BOOK_BUSY_MESSAGE = "Book busy (import running), your changes are kept and will be saved"
BOOK_AVAILABLE_MESSAGE = "Book available again: your changes are saved"


def clamp_to_screens(rect: QRect, available: list[QRect]) -> QRect:
    """Move/shrink `rect` so it is on a screen that exists (laptops lose external monitors)."""
    if not available:
        return rect
    for screen in available:
        visible = rect.intersected(screen)
        if visible.width() >= min(200, rect.width()) and visible.height() >= min(120, rect.height()):
            return rect
    target = available[0]
    width = min(rect.width(), target.width())
    height = min(rect.height(), target.height())
    top_left = QPoint(target.x() + (target.width() - width) // 2,
                      target.y() + (target.height() - height) // 2)
    return QRect(top_left, QSize(width, height))


class MainWindow(QMainWindow):
    sig_open_book_requested = Signal(str)
    """An intent: open the book at this path ("" asks the user)."""

    sig_new_book_requested = Signal()
    """An intent: create a new empty book."""

    sig_demo_book_requested = Signal()
    """An intent: open the demo book."""

    sig_restore_backup_requested = Signal()
    """An intent: put the newest sound backup in place of the damaged book."""

    sig_panes_installed = Signal()
    """Every pane is built and in its dock (start-up builds them after the first paint)."""

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None, *,
                 build_panes: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = ctx.settings
        self.setObjectName("window.main")
        self.setWindowTitle("sdrdesk")
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowNestedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)
        # Qt wants a central widget; ours takes no space so the docks share the window.
        spacer = QWidget(self)
        spacer.setObjectName("central.spacer")
        spacer.setMaximumSize(0, 0)
        self.setCentralWidget(spacer)

        self.panes: dict[str, Pane] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._build_docks()
        if build_panes:
            self.install_panes()
        self._build_menus()
        self._build_banner()
        self._book_label = QLabel("No book open")
        self._book_label.setObjectName("status.book")
        self.statusBar().addPermanentWidget(self._book_label)
        # CRM outbox count (issue 18): shown once the book has been pushed to HubSpot.
        self._outbox_status = OutboxStatus(ctx, self)
        self.statusBar().addPermanentWidget(self._outbox_status)
        ctx.bus.sig_status_message.connect(self._on_bus_status_message)
        busy_signal = getattr(ctx.runner, "sig_busy_changed", None)  # the threaded runner only
        if busy_signal is not None:
            busy_signal.connect(self._on_book_busy_changed)
        ctx.bus.sig_book_opened.connect(self._on_bus_book_opened)
        ctx.bus.sig_book_state_changed.connect(self._on_bus_book_opened)
        ctx.bus.sig_open_research_requested.connect(self._on_bus_open_research_requested)
        ctx.bus.sig_show_source_requested.connect(self._on_bus_show_source_requested)
        self.resize(DEFAULT_SIZE)
        layouts.apply_builtin(self, self.docks, layouts.DEFAULT_LAYOUT)
        self.setAcceptDrops(True)  # a CSV dropped anywhere on the window starts an import

    # -- construction -----------------------------------------------------------------
    def _build_docks(self) -> None:
        # Docks first, with a light placeholder: the window can paint before the panes' modules
        # (and the storage stack behind them) are imported.
        for spec in DOCKS:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(spec.object_name)
            dock.setWidget(EmptyState("Loading…", dock))
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.docks[spec.object_name] = dock
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

    def install_panes(self) -> None:
        """Build every pane into its dock (once)."""
        if self.panes:
            return
        from sdrdesk.ui.panes.registry import PANE_CLASSES  # brings the storage stack: after paint

        for spec in DOCKS:
            pane = PANE_CLASSES[spec.object_name](self.ctx, self)
            dock = self.docks[spec.object_name]
            placeholder = dock.widget()
            dock.setWidget(pane)
            if placeholder is not None:
                placeholder.deleteLater()
            self.panes[spec.object_name] = pane
        restore_widget_state(self, self.settings)
        self.sig_panes_installed.emit()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self._action(self.file_menu, "&Open book…", QKeySequence.StandardKey.Open,
                     lambda: self.sig_open_book_requested.emit(""))
        self._action(self.file_menu, "&New empty book…", QKeySequence.StandardKey.New,
                     self.sig_new_book_requested.emit)
        self._action(self.file_menu, "Open &demo book", None, self.sig_demo_book_requested.emit)
        self.file_menu.addSeparator()
        self.import_action = self._action(self.file_menu, "&Import CSV…", QKeySequence("Ctrl+Shift+I"),
                                          self.show_import_wizard)
        self.import_action.setObjectName("action.import_csv")
        export_menu = self.file_menu.addMenu("&Export CSV")
        self._action(export_menu, "&Contacts…", None, lambda: self.export_csv("contacts"))
        self._action(export_menu, "&Accounts…", None, lambda: self.export_csv("accounts"))
        self.crm_export_action = self._action(self.file_menu, "Export for C&RM…",
                                              QKeySequence("Ctrl+Shift+X"), self.show_crm_export)
        self.crm_export_action.setObjectName("action.crm_export")
        self.undo_import_action = self._action(self.file_menu, "Undo last import…", None,
                                               self.undo_last_import)
        self.restore_action = self._action(self.file_menu, "Restore newest good backup…", None,
                                           self.sig_restore_backup_requested.emit)
        self.restore_action.setObjectName("action.restore_backup")
        self.restore_action.setVisible(False)  # only offered for a damaged book
        self._export_action = export_menu.menuAction()
        # Off when read-only (Export for CRM records how far it exported in the book).
        self._write_actions = [self.import_action, self.undo_import_action, self.crm_export_action]
        for action in [*self._write_actions, self._export_action]:
            action.setEnabled(False)
        self.file_menu.addSeparator()
        quit_action = self._action(self.file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit = bar.addMenu("&Edit")
        undo = self.ctx.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        preferences = self._action(edit, "&Preferences…", QKeySequence.StandardKey.Preferences,
                                   self.show_preferences)
        preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        preferences.setObjectName("action.preferences")

        self.view_menu = bar.addMenu("&View")
        for spec in DOCKS:
            toggle = self.docks[spec.object_name].toggleViewAction()
            toggle.setObjectName(f"action.toggle.{spec.object_name}")
            self.view_menu.addAction(toggle)
            focus = QAction(f"Go to {spec.title}", self)
            focus.setObjectName(f"action.focus.{spec.object_name}")
            focus.setShortcut(QKeySequence(spec.shortcut))
            focus.triggered.connect(lambda _=False, name=spec.object_name: self.focus_pane(name))
            self.addAction(focus)
        self.quick_switcher_action = self._action(self.view_menu, "&Quick switcher…", QKeySequence("Ctrl+K"),
                                                  self.show_quick_switcher)
        self.quick_switcher_action.setObjectName("action.quick_switcher")
        self.view_menu.addSeparator()
        self.layout_menu = self.view_menu.addMenu("&Layouts")
        self.layout_menu.aboutToShow.connect(self._fill_layout_menu)
        self._fill_layout_menu()
        theme_menu = self.view_menu.addMenu("&Theme")
        group = QActionGroup(self)
        self._theme_actions: dict[str, QAction] = {}
        current = self.settings.get(S.THEME)
        for name in THEMES:
            action = theme_menu.addAction(name.capitalize())
            action.setCheckable(True)
            action.setChecked(name == current)
            action.setObjectName(f"action.theme.{name}")
            self._theme_actions[name] = action
            group.addAction(action)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))

        self.help_menu = bar.addMenu("&Help")
        self._action(self.help_menu, "&Keyboard shortcuts", QKeySequence("F1"), self.show_shortcuts)
        self._action(self.help_menu, "&Metrics definitions", None, self.show_metrics_definitions)
        self._action(self.help_menu, "&About sdrdesk", None, self.show_about)

    def _build_banner(self) -> None:
        # A read-only or damaged book says why, above the panes, for as long as it is open.
        self.banner_bar = QToolBar("Book state", self)
        self.banner_bar.setObjectName("toolbar.book_state")
        self.banner_bar.setMovable(False)
        self.banner_bar.setFloatable(False)
        self.banner_bar.toggleViewAction().setVisible(False)
        self.banner = QLabel(self.banner_bar)
        self.banner.setObjectName("banner.book_state")
        self.banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.banner.setStyleSheet("background: rgba(219, 109, 40, 0.85); color: white; padding: 6px;"
                                  " font-weight: bold;")
        self.banner_bar.addWidget(self.banner)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_bar)
        self.banner_bar.hide()

    def _action(self, menu: QMenu, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | None,
                slot: Callable[[], object]) -> QAction:
        action = menu.addAction(text)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        return action

    def _fill_layout_menu(self) -> None:
        menu = self.layout_menu
        menu.clear()
        for name in layouts.BUILTIN_LAYOUTS:
            action = menu.addAction(name)
            action.setObjectName(f"action.layout.{name}")
            action.triggered.connect(lambda _=False, n=name: self.apply_layout(n))
        saved = layouts.saved_names(self.settings)
        if saved:
            menu.addSeparator()
            for name in saved:
                action = menu.addAction(f"{name} (saved)")
                action.triggered.connect(lambda _=False, n=name: self.restore_layout(n))
        menu.addSeparator()
        save = menu.addAction("&Save current layout as…")
        save.triggered.connect(self._ask_and_save_layout)
        reset = menu.addAction("&Reset layout")
        reset.setObjectName("action.layout.reset")
        reset.triggered.connect(self.reset_layout)

    def show_quick_switcher(self) -> None:
        """Ctrl+K: jump to a record or run a command (ui/widgets/quick_switcher.py)."""
        from sdrdesk.ui.widgets.quick_switcher import QuickSwitcher  # imports the service DTOs: on first use

        if getattr(self, "quick_switcher", None) is None:
            self.quick_switcher = QuickSwitcher(self.ctx, self, self)
        self.quick_switcher.open()

    # -- layouts ----------------------------------------------------------------------
    def apply_layout(self, name: str) -> None:
        if name in layouts.saved_names(self.settings) and name not in layouts.BUILTIN_LAYOUTS:
            self.restore_layout(name)
            return
        layouts.apply_builtin(self, self.docks, name)
        self.settings.set(S.CURRENT_LAYOUT, name)

    def save_layout(self, name: str) -> None:
        layouts.save_named(self, self.settings, name)
        self.settings.set(S.CURRENT_LAYOUT, name)

    def restore_layout(self, name: str) -> bool:
        if layouts.restore_named(self, self.settings, name):
            self.settings.set(S.CURRENT_LAYOUT, name)
            return True
        log.warning("saved layout %r could not be restored; using the default", name)
        self.reset_layout()
        return False

    def reset_layout(self) -> None:
        layouts.apply_builtin(self, self.docks, layouts.DEFAULT_LAYOUT)
        self.settings.set(S.CURRENT_LAYOUT, layouts.DEFAULT_LAYOUT)

    def _ask_and_save_layout(self) -> None:
        name = self.ctx.prompter.ask_text("Save layout", "Name of this layout:",
                                          self.settings.get(S.CURRENT_LAYOUT))
        if name and name.strip():
            self.save_layout(name.strip())

    # -- window state -----------------------------------------------------------------
    def restore_window_state(self) -> None:
        geometry = self.settings.get(S.WINDOW_GEOMETRY)
        state = self.settings.get(S.WINDOW_STATE)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        if not state or not self.restoreState(QByteArray(state), layouts.LAYOUT_VERSION):
            layouts.apply_builtin(self, self.docks, self.settings.get(S.CURRENT_LAYOUT))
        self.clamp_onto_screens()

    def clamp_onto_screens(self) -> None:
        screens = [s.availableGeometry() for s in QGuiApplication.screens()]
        frame = self.frameGeometry() if self.isVisible() else self.geometry()
        clamped = clamp_to_screens(frame, screens)
        if clamped != frame:
            self.setGeometry(clamped)

    def save_window_state(self) -> None:
        self.settings.set(S.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(S.WINDOW_STATE, bytes(self.saveState(layouts.LAYOUT_VERSION).data()))
        save_widget_state(self, self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window_state()
        super().closeEvent(event)

    # -- actions ----------------------------------------------------------------------
    def focus_pane(self, object_name: str) -> None:
        dock = self.docks[object_name]
        dock.show()
        dock.raise_()
        pane = self.panes.get(object_name)
        if pane is not None:
            pane.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def set_theme(self, name: str) -> None:
        self.settings.set(S.THEME, name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)

    # -- import / export ---------------------------------------------------------------
    def show_import_wizard(self) -> ImportWizard | None:
        from sdrdesk.ui.dialogs.import_wizard import open_import_wizard

        workspace = self.ctx.workspace
        if workspace is None or workspace.read_only:
            return None
        wizard = open_import_wizard(self, workspace.path, workspace.imports, self.settings,
                                    runner=self.ctx.runner)  # the one serial DB writer
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.sig_import_finished.connect(
            lambda _report, changes: self.ctx.bus.sig_changes_applied.emit(changes, self))
        wizard.sig_show_source_requested.connect(self.ctx.bus.sig_show_source_requested)
        wizard.sig_enrol_requested.connect(self.enrol_imported)
        return wizard

    def enrol_imported(self, import_run_id: object) -> None:
        """"Enrol the imported contacts…" at the end of the import wizard (issue 13)."""
        from sdrdesk.ui.dialogs.enrol import open_enrol_for_import

        self.enrol_dialog = open_enrol_for_import(self.ctx, self, import_run_id)

    def import_file(self, path: Path) -> ImportWizard | None:
        """Open the import wizard on `path` (dropped on the window), past the file page."""
        wizard = self.show_import_wizard()
        if wizard is not None:
            wizard.start_with(path)
        return wizard

    def _importable(self, mime: QMimeData) -> Path | None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.read_only or not mime.hasUrls():
            return None
        for url in mime.urls():
            path = Path(url.toLocalFile()) if url.isLocalFile() else None
            if path is not None and path.suffix.lower() in IMPORTABLE_SUFFIXES and path.is_file():
                return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._importable(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._importable(event.mimeData())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_file(path)

    def undo_last_import(self) -> None:
        workspace = self.ctx.workspace
        if workspace is None or workspace.read_only:
            return
        from sdrdesk.ui.dialogs.import_wizard import undo_last_import_confirmed

        undo_last_import_confirmed(self.ctx.prompter, workspace.imports, self.ctx.runner,
                                   lambda changes: self.ctx.bus.sig_changes_applied.emit(changes, self))

    def export_csv(self, what: str) -> None:
        workspace = self.ctx.workspace
        if workspace is None:
            return
        from sdrdesk.ui.dialogs.import_wizard import export_csv_prompted

        export_csv_prompted(self.ctx.prompter, workspace.imports, what, self.ctx.runner,
                            workspace.path.parent / "exports")

    def show_crm_export(self) -> CrmExportDialog | None:
        """File > Export for CRM: a non-modal dialog with a preview of the counts."""
        if self.ctx.workspace is None:
            return None
        from sdrdesk.ui.dialogs.crm_export import CrmExportDialog

        dialog = CrmExportDialog(self.ctx, self)
        dialog.sig_push_finished.connect(lambda _result: self._outbox_status.refresh())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_preferences(self) -> PreferencesDialog:
        from sdrdesk.ui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self, self.ctx)
        dialog.sig_preferences_saved.connect(self._on_preferences_saved)
        dialog.sig_crm_setup_requested.connect(self.show_crm_export)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # non-modal
        return dialog

    @Slot()
    def _on_preferences_saved(self) -> None:
        theme = self.settings.get(S.THEME)
        self.set_theme(theme)
        if theme in self._theme_actions:
            self._theme_actions[theme].setChecked(True)
        self.ctx.bus.sig_status_message.emit("Preferences saved")

    def show_shortcuts(self) -> None:
        native = QKeySequence.SequenceFormat.NativeText
        lines = [f"{a.text().replace('&', '')}: {a.shortcut().toString(native)}"
                 for a in self._all_actions() if not a.shortcut().isEmpty()]
        self.ctx.prompter.inform("Keyboard shortcuts", "\n".join(sorted(set(lines))))

    def show_metrics_definitions(self) -> None:
        """Help ▸ Metrics definitions: the Metrics pane's page on how each number is counted."""
        self.focus_pane("pane.metrics")
        show = getattr(self.panes.get("pane.metrics"), "show_definitions", None)
        if callable(show):
            show()

    def show_about(self) -> None:
        self.ctx.prompter.inform(
            "About sdrdesk",
            f"sdrdesk {__version__}\nA local-first workstation for Sales Development Representatives.",
        )

    def _all_actions(self) -> list[QAction]:
        found = list(self.actions())
        for menu in self.menuBar().findChildren(QMenu):
            found.extend(menu.actions())
        for pane in self.panes.values():
            found.extend(pane.actions())
        return [a for a in found if not a.isSeparator()]

    # -- bus --------------------------------------------------------------------------
    @Slot(str)
    def _on_bus_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    @Slot(bool)
    def _on_book_busy_changed(self, busy: bool) -> None:
        # Shown until the queued writes land (no timeout), then a short all-clear.
        if busy:
            self.statusBar().showMessage(BOOK_BUSY_MESSAGE)
        else:
            self.statusBar().showMessage(BOOK_AVAILABLE_MESSAGE, 6000)

    @Slot(object)
    def _on_bus_open_research_requested(self, _account_id: object) -> None:
        dock = self.docks["pane.research"]
        dock.show()
        dock.raise_()

    @Slot(object)
    def _on_bus_show_source_requested(self, _label_id: object) -> None:
        dock = self.docks["pane.accounts"]
        dock.show()
        dock.raise_()

    @Slot(object)
    def _on_bus_book_opened(self, workspace: Workspace) -> None:
        for action in self._write_actions:
            action.setEnabled(not workspace.read_only)
        self._export_action.setEnabled(True)
        self._outbox_status.refresh()
        name = "Demo book" if workspace.is_demo else workspace.path.name
        suffix = " (read-only)" if workspace.read_only else ""
        self.setWindowTitle(f"{name}{suffix} — sdrdesk")
        self._book_label.setText(f"{name}{suffix}  ·  {workspace.path}")
        reason = getattr(workspace, "read_only_reason", None)
        self.banner.setText(reason or "")
        self.banner_bar.setVisible(bool(reason))
        self.restore_action.setVisible(bool(getattr(workspace, "damaged", False)))

