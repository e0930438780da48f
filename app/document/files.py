"""New / Open / Save / Save As, recent files, unsaved-changes prompt, autosave and recovery.

Saving goes through `core.graph.serialize.save`, which writes atomically (temp file + fsync +
replace), so a crash mid-save never truncates the user's file. Every minute a modified document is
also written to a recovery file; a clean exit deletes it, so finding one at start-up means the
previous session crashed and the app offers it back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.application import settings
from app.document.controller import GraphController
from core.graph import Document, GraphError, serialize
from core.graph.atomic import ReadOnlyFileError

FILE_FILTER = ("Chainrule graphs (*.json *.chainrule.json);;PyTorch scripts (*.py);;"
               "All files (*)")
AUTOSAVE_MS = 60_000


def ask_overwrite_read_only(parent: QWidget | None, path: Path) -> bool:
    """Ask before replacing a read-only file, as editors do (the file stays read-only)."""
    return QMessageBox.question(
        parent, "File is read-only",
        f"{path.name} is read-only.\n\nOverwrite it anyway? (It stays read-only.)",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel) == QMessageBox.StandardButton.Yes


def recovery_path() -> Path:
    """Where the autosave goes (per user)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".chainrule")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "recovery.chainrule.json"


class FileManager(QObject):
    """Tracks the current path and the clean state of the undo stack."""

    pathChanged = Signal(object)  # Path | None
    recentChanged = Signal(list)

    def __init__(self, controller: GraphController, window: QWidget) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self.path: Path | None = None
        self._dirty_since_autosave = False
        controller.undo_stack.indexChanged.connect(self._edited)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        #: Tests swap the dialogs for functions returning a path / a button.
        self.ask_open_path: Callable[[], str] = self._dialog_open_path
        self.ask_save_path: Callable[[], str] = self._dialog_save_path
        self.ask_unsaved: Callable[[], QMessageBox.StandardButton] = self._dialog_unsaved
        self.ask_overwrite_read_only: Callable[[Path], bool] = (
            lambda p: ask_overwrite_read_only(self.window, p))
        #: Opens a .py file (the Script dock sets it): scripts are run, not parsed as graphs.
        self.script_opener: Callable[[Path], bool] | None = None

    # ---- state ---------------------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        return not self.controller.undo_stack.isClean()

    def _edited(self, _index: int) -> None:
        self._dirty_since_autosave = True

    def title(self) -> str:
        name = self.path.name if self.path else "Untitled"
        return f"{name}[*] — Chainrule"

    # ---- commands ------------------------------------------------------------------------------
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self._set(Document(), None)
        return True

    def open(self, path: str | Path | None = None) -> bool:
        if not self.maybe_save():
            return False
        if path is None:
            path = self.ask_open_path()
            if not path:
                return False
        return self.load(Path(path))

    def load(self, path: Path, remember: bool = True) -> bool:
        """Open a file without asking about unsaved changes (caller did)."""
        if Path(path).suffix.lower() == ".py" and self.script_opener is not None:
            return self.script_opener(Path(path))  # a script: run in the Script dock
        try:
            doc = serialize.load(path)
        except (GraphError, OSError) as e:
            self.controller.statusMessage.emit(f"Could not open {path.name}: {e}")
            QMessageBox.warning(self.window, "Open failed", f"Could not open {path}:\n\n{e}")
            return False
        self._set(doc, path if remember else None)
        if remember:
            self.recentChanged.emit(settings.add_recent(str(path)))
        self.controller.statusMessage.emit(f"Opened {path.name}")
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        path = self.ask_save_path()
        if not path:
            return False
        p = Path(path)
        if not p.suffix:
            p = p.with_suffix(".json")
        return self._write(p)

    def _write(self, path: Path) -> bool:
        try:
            try:
                serialize.save(self.controller.doc, path)
            except ReadOnlyFileError as e:
                if not self.ask_overwrite_read_only(e.path):
                    self.controller.statusMessage.emit(f"Not saved: {path.name} is read-only")
                    return False
                serialize.save(self.controller.doc, path, overwrite_readonly=True)
        except (GraphError, OSError) as e:
            QMessageBox.warning(self.window, "Save failed", f"Could not save {path}:\n\n{e}")
            return False
        self.path = path
        self.controller.undo_stack.setClean()
        self.pathChanged.emit(path)
        self.recentChanged.emit(settings.add_recent(str(path)))
        self.controller.statusMessage.emit(f"Saved {path.name}")
        return True

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        if not self.modified:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _set(self, doc: Document, path: Path | None) -> None:
        self.controller.set_document(doc)
        self.path = path
        self.controller.undo_stack.setClean()
        self.pathChanged.emit(path)

    # ---- autosave / recovery -------------------------------------------------------------------
    def autosave(self) -> None:
        if not self._dirty_since_autosave:
            return
        self._dirty_since_autosave = False
        try:
            if self.modified:
                serialize.save(self.controller.doc, recovery_path())
            else:
                self.discard_recovery()
        except (GraphError, OSError) as e:
            self.controller.statusMessage.emit(f"Autosave failed: {e}")

    @staticmethod
    def discard_recovery() -> None:
        try:
            recovery_path().unlink(missing_ok=True)
        except OSError:
            pass

    def offer_recovery(self, ask: Callable[[], bool] | None = None) -> bool:
        """After a crash: offer the autosaved document back. Returns True if restored."""
        path = recovery_path()
        if not path.exists():
            return False
        if ask is None:
            def ask() -> bool:
                return QMessageBox.question(
                    self.window, "Recover unsaved work?",
                    "Chainrule did not close properly last time. Restore the graph that was "
                    "autosaved?") == QMessageBox.StandardButton.Yes
        if not ask():
            self.discard_recovery()
            return False
        try:
            doc = serialize.load(path)
        except (GraphError, OSError) as e:
            self.controller.statusMessage.emit(f"Recovery file unreadable: {e}")
            return False
        self._set(doc, None)
        # restored work is unsaved work: mark the stack dirty with a no-op clean index
        self.controller.undo_stack.resetClean()
        self.pathChanged.emit(None)
        return True

    # ---- dialogs -------------------------------------------------------------------------------
    def _start_dir(self) -> str:
        if self.path:
            return str(self.path.parent)
        recent = settings.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def _dialog_open_path(self) -> str:
        return QFileDialog.getOpenFileName(self.window, "Open graph", self._start_dir(),
                                           FILE_FILTER)[0]

    def _dialog_save_path(self) -> str:
        start = str(self.path) if self.path else str(Path(self._start_dir()) / "graph.json")
        return QFileDialog.getSaveFileName(self.window, "Save graph", start, FILE_FILTER)[0]

    def _dialog_unsaved(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self.window, "Unsaved changes",
            f"Save changes to {self.path.name if self.path else 'Untitled'} first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
