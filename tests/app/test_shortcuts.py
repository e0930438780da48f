"""A fast, offscreen guard against dead shortcuts: Qt fires neither binding of a key sequence
bound twice in one window ("Ambiguous shortcut overload"), and QTest's key clicks go past the
shortcut map, so only a check of the bindings themselves (or a real window, see
test_xvfb_shortcuts.py) sees it."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QAction, QKeySequence

from app.application import shortcuts

PORTABLE = QKeySequence.SequenceFormat.PortableText


def _names(seqs) -> list[str]:
    return [s.toString(PORTABLE) for s in seqs]


def _window_actions(window) -> list[QAction]:
    """Every action of the window that a key can reach (the window's own and its widgets')."""
    return [a for a in window.findChildren(QAction) if a.shortcuts()]


def _clashes(window) -> dict[str, list[str]]:
    """Key sequence -> the enabled actions bound to it, where more than one is."""
    owners: dict[str, list[str]] = defaultdict(list)
    for act in _window_actions(window):
        if act.isEnabled():
            for key in set(_names(act.shortcuts())):
                owners[key].append(act.text().replace("&", ""))
    return {k: v for k, v in owners.items() if len(v) > 1}


def test_unique_drops_repeats_and_empty_sequences():
    # X11's standard Redo is Ctrl+Shift+Z: listing it again made Qt refuse both bindings
    got = shortcuts.unique([QKeySequence("Ctrl+Shift+Z"), "Ctrl+Y", "Ctrl+Shift+Z",
                            QKeySequence(), "ctrl+y"])
    assert _names(got) == ["Ctrl+Shift+Z", "Ctrl+Y"]


def test_redo_has_the_standard_key_first_and_both_usual_keys(qapp):
    got = _names(shortcuts.redo())
    standard = QKeySequence(QKeySequence.StandardKey.Redo).toString(PORTABLE)
    assert got[0] == standard
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= set(got)
    assert len(got) == len(set(got))


def test_no_action_lists_a_sequence_twice(window):
    repeated = {a.text(): _names(a.shortcuts()) for a in _window_actions(window)
                if len(set(_names(a.shortcuts()))) != len(a.shortcuts())
                or "" in _names(a.shortcuts())}
    assert not repeated


def test_no_two_enabled_actions_share_a_sequence(window):
    assert not _clashes(window)
    # while stepping, the step actions (arrows, Home/End, Space, Esc) are enabled too
    window.build_expression("x * x")
    window.stepper.act_mode.trigger()
    assert window.stepper.active and window.stepper.act_stop.isEnabled()
    assert not _clashes(window)

