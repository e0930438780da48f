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


def _settle(qtbot) -> None:
    qtbot.wait(30)


def test_window_goes_down_to_800_px_while_stepping(window, qtbot):
    """While stepping the window could not be made narrower than ~1100 px (the step bar's
    minimum, on top of the Train and Plots docks' forms). Now it goes to 800 px: the step bar
    keeps its transport and step number and drops its words, the Train and Plots docks scroll
    sideways instead of holding the window wide, and nothing is squeezed below its minimum."""
    type_expression(window, "a*x + b")
    for start, bar in ((window.stepper.start, window.step_bar),
                       (window.forward_stepper.start, window.forward_bar)):
        assert start()
        window.resize(800, 700)
        _settle(qtbot)
        assert window.width() <= 810, window.minimumSizeHint()
        assert bar.isVisible() and bar.width() >= bar.minimumSizeHint().width()
        assert all(b.isVisible() for b in bar.buttons)
        assert bar.position.isVisible() and "Step 1 /" in bar.position.text()
        assert bar.stop.isVisible() or bar.stop_icon.isVisible()
        for panel in (window.train_panel, window.plots):  # scrolled, never squeezed
            assert panel.width() >= panel.minimumSizeHint().width()
        window.resize(1380, 860)  # wide again: every word back
        _settle(qtbot)
        assert bar.title.isVisible() and bar.stop.isVisible() and not bar.stop_icon.isVisible()
        assert bar.slider.isVisible()
        for dock, panel in ((window.train_dock, window.train_panel),
                            (window.plots_dock, window.plots)):
            area = dock.widget()  # a scroll bar only while the dock is narrower than its form
            narrow = area.maximumViewportSize().width() < panel.minimumSizeHint().width()
            assert area.horizontalScrollBar().isVisible() == narrow
        window.grab().save("/tmp/newcomer-stepping-wide.png")
        (window.stepper if bar is window.step_bar else window.forward_stepper).stop()


def test_step_bar_drops_scrubber_speed_and_stop_label_last(window):
    """The order things go as the bar narrows: hint, title, Stop's label, speed, scrubber."""
    bar = window.step_bar
    full = bar._full_minimum().width()
    bar.fit_width(full)
    assert not bar.stop.isHidden() and bar.stop_icon.isHidden() and not bar.speed.isHidden()
    bar.fit_width(bar.minimumSizeHint().width())
    assert bar.stop.isHidden() and not bar.stop_icon.isHidden()
    assert bar.speed.isHidden() and bar.slider.isHidden() and bar.title.isHidden()
    assert not any(b.isHidden() for b in bar.buttons) and not bar.position.isHidden()
    # the forward bar has one speed only: it never shows the choice
    fwd = window.forward_bar
    fwd.fit_width(fwd._full_minimum().width() + 100)
    assert fwd.speed.isHidden() and not fwd.slider.isHidden()


def _visible(window):
    return window.view.mapToScene(window.view.viewport().rect()).boundingRect()


def _zoomed_on_the_last_wire(window, qtbot):
    """a*x + b built, then zoomed in (as with the wheel) with the add → out wire at the
    right of the view: where a newcomer drops an op to insert it."""
    type_expression(window, "a*x + b")
    qtbot.wait(20)
    doc = window.controller.doc
    add, out = doc.by_name("add").id, doc.output
    window.view.zoom_by(2.0)
    window.view.centerOn(window.scene.nodes[add].sceneBoundingRect().center())
    qtbot.wait(10)
    wire = next(w for k, w in window.scene.wires.items() if k.src == add and k.dst == out)
    point = wire.path().pointAtPercent(0.6)
    assert _visible(window).contains(point)
    return doc, add, out, point


def _inserted(doc, op):
    (node,) = [i for i in doc.nodes if doc.node(i).op == op]
    return node


def test_an_op_dropped_on_a_wire_stays_in_view_and_level(window, qtbot):
    """Dropped on a wire near the view's edge, the new node (pushed right with what follows)
    ended up outside the view and nothing scrolled to it; it also sat lower than the wire.
    Now the view scrolls to it, keeps the zoom, and its input is level with the source."""
    from helpers import drop_op

    doc, add, out, point = _zoomed_on_the_last_wire(window, qtbot)
    zoom = window.view.zoom()
    drop_op(window, "neg", point)
    qtbot.wait(10)
    neg = _inserted(doc, "neg")
    assert _visible(window).contains(window.scene.nodes[neg].sceneBoundingRect())
    assert window.view.zoom() == zoom
    src_y = window.scene.nodes[add].output.scene_anchor().y()
    in_y = window.scene.nodes[neg].input_port("x").scene_anchor().y()
    assert abs(src_y - in_y) < 2
    a, n, o = (window.scene.nodes[i].sceneBoundingRect() for i in (add, neg, out))
    assert a.right() < n.left() and n.right() < o.left()  # between its neighbours


def test_tab_over_a_wire_inserts_in_view_and_a_framed_graph_is_framed_again(window, qtbot):
    """Tab over a wire (quick add) takes the same path; and while the view frames the whole
    graph (just built, nothing zoomed), the pushed-out nodes are framed again."""
    type_expression(window, "a*x + b")
    qtbot.wait(20)
    doc = window.controller.doc
    add, out = doc.by_name("add").id, doc.output
    wire = next(w for k, w in window.scene.wires.items() if k.src == add and k.dst == out)
    assert window.view.auto_fit
    window.open_quick_add(wire.path().pointAtPercent(0.6))
    window.quick_add.opChosen.emit("exp")
    window.quick_add.hide()
    qtbot.wait(10)
    shown = _visible(window)
    for node_id in doc.nodes:
        assert shown.contains(window.scene.nodes[node_id].sceneBoundingRect()), node_id


def test_a_refused_backward_again_brings_the_output_node_into_view(window, qtbot):
    """Backward Again with Keep Graph off is refused with PyTorch's message on the output
    node — which, scrolled away (after stepping through the left of a zoomed graph), nobody
    saw; the status bar cut the message short. The view now scrolls to the output."""
    doc, _add, out, _point = _zoomed_on_the_last_wire(window, qtbot)
    first = window.scene.nodes[doc.by_name("a").id].sceneBoundingRect()
    window.view.centerOn(first.center())  # the left end of the graph, as after stepping
    qtbot.wait(10)
    assert not _visible(window).contains(window.scene.nodes[out].sceneBoundingRect())
    assert not window.act_keep_graph.isChecked()
    window.act_backward_again.trigger()
    assert "refused" in window.statusBar().currentMessage()
    assert _visible(window).contains(window.scene.nodes[out].sceneBoundingRect())


def test_the_plots_dock_asks_for_the_shown_page_only(window, qtbot):
    """After a look at the Landscape page (its race controls beside two plots), the Edits page
    — one curve — scrolled sideways in a narrow Plots dock: the stack of pages asked for its
    widest page's width. Now it asks for the page it shows."""
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    plots = window.plots
    page = QWidget()  # a page as wide as a race's legend, plots and controls make Landscape
    inner = QWidget(page)
    inner.setMinimumWidth(900)
    QHBoxLayout(page).addWidget(inner)
    plots.add_page("wide", "Wide", page)
    plots.show_page("wide")
    qtbot.wait(10)
    wide = plots.minimumSizeHint().width()
    assert wide >= 900
    plots.show_page("edits")
    qtbot.wait(10)
    assert plots.minimumSizeHint().width() < 500
    plots.show_page("wide")
    qtbot.wait(10)
    assert plots.minimumSizeHint().width() == wide  # shown, it counts again


def test_a_small_window_cuts_neither_the_lesson_text_nor_the_canvas(window, qtbot):
    """At 800 × 600 with a lesson open and stepping, the banner's explanation was cut
    mid-sentence and the canvas, 65 px tall, ran on under the Plots dock: the central column
    was sized by a minimum that ignored the wrapped text's height. Now the banner gets the
    height its text needs, the canvas keeps at least 150 px, and the docks give way."""
    from helpers import lesson

    assert window.open_example(lesson("quadratic"))
    assert window.stepper.start()
    window.resize(800, 600)
    qtbot.wait(400)  # the banner's height follows a width that lasts
    banner, view = window.banner, window.view
    assert banner.isVisible()
    assert banner.height() >= banner.heightForWidth(banner.width())
    assert view.height() >= 150
    column = window.centralWidget()
    assert view.geometry().bottom() < column.height()  # nothing runs past the column
    window.grab().save("/tmp/newcomer-800x600.png")


def test_an_op_dropped_at_the_edge_of_the_canvas_is_scrolled_fully_into_view(window, qtbot):
    """Dropped near the canvas's right edge (where the output of a graph built left to right
    goes), the new node hung half outside the view. The view now scrolls just enough, and
    keeps its zoom, so the node stays under the cursor."""
    from helpers import drop_op

    vp = window.view.viewport().rect()
    edge = window.view.mapToScene(vp.right() - 10, vp.center().y())
    zoom = window.view.zoom()
    drop_op(window, "output", edge)
    qtbot.wait(10)
    (node_id,) = window.controller.doc.nodes
    assert _visible(window).contains(window.scene.nodes[node_id].sceneBoundingRect())
    assert window.view.zoom() == zoom


def test_docks_get_back_what_a_small_window_took(window, qtbot):
    """Down to 800 × 600 and back: the Plots dock stayed at its minimum height (its axis
    labels on top of each other) and the right column at its narrowest (the inspector
    clipped); QMainWindow grows only the canvas. The docks now get their room back."""
    from helpers import lesson
    from PySide6.QtCore import Qt

    window.resize(1380, 860)
    assert window.open_example(lesson("quadratic"))
    assert window.stepper.start()  # the step dock shows in the inspector's place
    qtbot.wait(500)  # the docks settle once the resizing pauses
    window.resizeDocks([window.plots_dock], [260], Qt.Orientation.Vertical)  # a roomy plot
    qtbot.wait(500)
    right, plots = window.inspector_dock.width(), window.plots_dock.height()
    window.resize(800, 600)
    qtbot.wait(500)  # the docks settle once the resizing pauses
    assert window.step_dock.width() < right - 20 and window.plots_dock.height() < plots - 20
    window.resize(1380, 860)
    qtbot.wait(500)  # the docks settle once the resizing pauses
    assert abs(window.step_dock.width() - right) <= 4
    assert abs(window.plots_dock.height() - plots) <= 4
    window.grab().save("/tmp/newcomer-back-to-full-size.png")

