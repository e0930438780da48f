"""Files: the save/open round trip, recent files, the unsaved-changes prompt, autosave and
recovery, read-only targets; and the error dialog, after which the document is still there."""

from __future__ import annotations

from helpers import type_expression
from PySide6.QtWidgets import QMessageBox

from app.application import errors, settings
from app.document.files import recovery_path
from core.graph import serialize


def test_save_open_round_trip(window, tmp_path):
    type_expression(window, "exp(w * x) + w")
    doc = window.controller.doc
    w = doc.by_name("w")
    window.controller.push("set_value", w.id, "[1.5, -2.0]")
    saved = serialize.to_dict(doc)
    path = tmp_path / "g.json"
    window.files.ask_save_path = lambda: str(path)
    assert window.files.save()
    assert path.exists()
    assert not window.files.modified
    assert "g.json" in window.windowTitle()
    assert window.files.new()
    assert len(window.controller.doc) == 0 and window.scene.nodes == {}
    assert window.files.open(path)
    assert serialize.to_dict(window.controller.doc) == saved
    assert len(window.scene.nodes) == len(saved["nodes"])
    assert len(window.scene.wires) == len(saved["wires"])
    assert str(path.resolve()) in settings.recent_files()
    assert window.recent_menu.isEnabled()


def test_unsaved_changes_prompt_can_cancel(window):
    type_expression(window, "a + b")
    asked = []
    window.files.ask_unsaved = lambda: asked.append(1) or QMessageBox.StandardButton.Cancel
    assert not window.files.new()
    assert asked and len(window.controller.doc) > 0


def test_autosave_and_recovery(window):
    type_expression(window, "u * v")
    saved = serialize.to_dict(window.controller.doc)
    window.files.autosave()
    assert recovery_path().exists()
    window.files.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    window.files.new()
    assert window.files.offer_recovery(ask=lambda: True)
    assert serialize.to_dict(window.controller.doc) == saved
    assert window.files.modified  # recovered work is unsaved work
    window.files.discard_recovery()
    assert not recovery_path().exists()


def test_unexpected_exception_shows_dialog_and_app_keeps_document(window, errors_seen):
    type_expression(window, "p * q")
    before = serialize.to_dict(window.controller.doc)
    try:
        raise RuntimeError("boom")
    except RuntimeError as e:
        errors.excepthook(type(e), e, e.__traceback__)
    assert errors_seen and "boom" in errors_seen[0][0]
    assert "Traceback" in errors_seen[0][1]
    assert serialize.to_dict(window.controller.doc) == before
    assert window.isVisible()


def test_saving_over_a_read_only_file_asks_first(window, tmp_path):
    """Issue 14: a read-only file was silently replaced; now the app asks (No keeps it)."""
    type_expression(window, "a + b")
    path = tmp_path / "ro.json"
    path.write_text("{}")
    path.chmod(0o444)
    asked = []
    window.files.ask_save_path = lambda: str(path)
    window.files.ask_overwrite_read_only = lambda p: asked.append(p) or False
    assert not window.files.save()
    assert asked == [path] and path.read_text() == "{}" and window.files.modified
    window.files.ask_overwrite_read_only = lambda p: asked.append(p) or True
    assert window.files.save()
    assert len(serialize.load(path)) == len(window.controller.doc)
    assert not window.files.modified and (path.stat().st_mode & 0o777) == 0o444


def test_exporting_a_script_over_a_read_only_file_asks_first(window, tmp_path):
    from app.document import script_export as export

    type_expression(window, "a * b")
    path = tmp_path / "ro.py"
    path.write_text("# mine")
    path.chmod(0o444)
    assert not export.export_script(window.controller.doc, path, lambda p: False)
    assert path.read_text() == "# mine"
    assert export.export_script(window.controller.doc, path, lambda p: True)
    assert "import torch" in path.read_text()
