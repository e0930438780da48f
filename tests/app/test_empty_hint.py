"""The empty canvas says how to begin, and its links do it."""

from __future__ import annotations

from app.canvas.empty_hint import SAMPLE_EXPRESSION


def test_shown_on_an_empty_graph_only(window):
    hint = window.empty_hint
    assert len(window.controller.doc) == 0
    assert hint.isVisible()
    vp = window.view.viewport().rect()
    assert vp.contains(hint.geometry())  # the whole card is on screen
    assert "Examples menu" in hint.text() and "Tab" in hint.text()
    window.build_expression("y = 2 * x")
    window.controller.evaluate_now()
    assert not hint.isVisible()
    window.select_all()
    window.controller.delete_selection()
    window.controller.evaluate_now()
    assert len(window.controller.doc) == 0 and hint.isVisible()


def test_expression_link_builds_it(window):
    window.empty_hint.linkActivated.emit(f"expr:{SAMPLE_EXPRESSION}")
    doc = window.controller.doc
    assert {n.name for n in doc if n.op == "variable"} == {"a", "b", "c", "x"}
    window.controller.evaluate_now()
    assert not window.empty_hint.isVisible()


def test_lesson_links_open_each_lesson(window):
    import re

    keys = re.findall(r"href='lesson:([^']+)'", window.empty_hint.text())
    assert keys  # the shipped lessons are offered
    window.empty_hint.linkActivated.emit(f"lesson:{keys[0]}")
    assert len(window.controller.doc) > 0
    assert window.banner.isVisible()
    assert not window.empty_hint.isVisible()


def test_the_train_dock_has_nothing_to_reset_at_start(window):
    assert not window.train_panel.reset_button.isEnabled()
