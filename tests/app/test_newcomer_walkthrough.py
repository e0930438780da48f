"""What a newcomer tripped over walking through the app in a real window (round 3), each
replayed offscreen next to its fix."""

from __future__ import annotations

from helpers import type_expression


def test_output_header_says_out_once(window):
    """The output node's header read "out out": its badge (the catalog's symbol) and its
    default name were the same word. The badge is now a glyph, so the name reads once."""
    type_expression(window, "a*x + b")
    doc = window.controller.doc
    out = window.scene.nodes[doc.output]
    assert out.name == "out"
    assert out.symbol.lower() not in {"out", "output"}
    assert out.name not in out.symbol


def test_keep_graph_is_remembered_across_restarts(window, qtbot):
    """Keep Graph (Ctrl+Shift+K) was forgotten on restart, unlike Auto Backward: it is saved
    with the window's settings and restored quietly (no status message for a toggle nobody
    just pressed)."""
    from app.application import settings
    from app.application.main_window import MainWindow

    assert not window.act_keep_graph.isChecked()
    window.act_keep_graph.trigger()
    window.save_layout()
    try:
        again = MainWindow(restore_settings=True)
        qtbot.addWidget(again)
        assert again.act_keep_graph.isChecked()
        assert again.controller.keep_graph
        assert "Keep graph" not in again.statusBar().currentMessage()
        again.act_keep_graph.trigger()  # and off is remembered too
        again.save_layout()
        third = MainWindow(restore_settings=True)
        qtbot.addWidget(third)
        assert not third.act_keep_graph.isChecked() and not third.controller.keep_graph
    finally:
        s = settings.settings()
        for key in ("keepGraph", "geometry", "windowState"):
            s.remove(key)
        s.sync()


def test_lesson_banner_is_its_own_module_and_shows_the_lesson(window):
    """Issue #13: the banner lives in app/application/lesson_banner.py, not in the window's
    file, and still shows a lesson's title and explanation (and hides on Hide)."""
    import inspect

    from helpers import lesson

    from app.application import lesson_banner, main_window

    assert type(window.banner) is lesson_banner.LessonBanner
    assert "class LessonBanner" not in inspect.getsource(main_window)
    assert window.open_example(lesson("quadratic"))
    meta = window.controller.doc.meta
    assert window.banner.isVisible()
    assert window.banner.title.text() == meta["title"]
    assert window.banner.text.text() == str(meta.get("explanation") or meta["description"])
    hide = [b for b in window.banner.findChildren(lesson_banner.QPushButton)
            if b.text() == "Hide"]
    hide[0].click()
    assert not window.banner.isVisible()
