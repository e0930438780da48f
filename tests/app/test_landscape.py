"""The Landscape page: races computed off the UI thread, played back, followed by the
canvas, with mid-run learning-rate changes and exports."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from app.panels.plots import landscape_export
from core.graph.parser import parse

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _open(window, name):
    assert window.open_example(EXAMPLES / f"{name}.json")
    window.plots.show_page("landscape")
    return window.landscape


def _race(page, qtbot, only=None, steps=None):
    if only is not None:
        for n, box in page.panel.checks.items():
            box.setChecked(n in only)
    if steps is not None:
        page.panel.steps.setValue(steps)
    page.start_race()
    assert page.busy
    qtbot.waitUntil(lambda: not page.busy, timeout=30000)
    assert page.result is not None
    page.panel.player.pause()
    return page.result


def _value(window, name):
    return np.asarray(window.controller.doc.by_name(name).value)


def test_one_parameter_curve_point_and_tangent(window, qtbot):
    page = _open(window, "20_descent_quadratic")
    assert "Watch SGD" in page.note.text()
    res = _race(page, qtbot, only={"sgd"}, steps=500)
    g = res.grid
    assert g.ys is None and page.plots.image is None  # a curve, not a heatmap
    page.panel.player.seek(500)
    tr = res.race.trajectories["sgd"]
    assert tr.params[-1, 0] == pytest.approx(0.99996, abs=1e-5)  # slid into x = 1
    items = page.plots._runner_items["sgd"]
    px, py = items["point"].getData()
    assert px[0] == pytest.approx(tr.params[500, 0]) and py[0] == pytest.approx(tr.loss[500])
    page.panel.player.seek(10)
    tx, ty = items["tangent"].getData()
    slope = (ty[1] - ty[0]) / (tx[1] - tx[0])
    assert slope == pytest.approx(tr.grads[10, 0], rel=1e-6)  # the engine's gradient there
    assert slope == pytest.approx(2 * tr.params[10, 0] - 2, rel=1e-4)


def test_two_parameters_heatmap_with_isocurves_paths_and_minimum(window, qtbot):
    page = _open(window, "23_rosenbrock")
    res = _race(page, qtbot, only={"sgd", "momentum", "adam", "rmsprop"}, steps=300)
    plots = page.plots
    assert plots.image is not None and len(plots.isocurves) >= 8
    assert plots.log_scale  # Rosenbrock spans many decades: log colours and levels
    assert res.held == [] and "held" not in page.note.text()
    assert page.plots.surface.getAxis("bottom").labelText == "x"
    assert page.plots.surface.getAxis("left").labelText == "y"
    assert [t for t, _ in plots.legend] == ["SGD (lr 0.0005)", "Momentum (lr 0.0002)",
                                            "Adam (lr 0.05)", "RMSprop (lr 0.01)"]
    colors = {c.name() for _, c in plots.legend}
    assert len(colors) == 4
    assert page.winner.text().startswith("Winner: Adam")
    page.panel.player.seek(150)
    x, y = plots._runner_items["adam"]["path"].getData()
    assert len(x) == 151
    np.testing.assert_allclose(x, res.race.trajectories["adam"].params[:151, 0])
    page.resize(1000, 330)
    page.grab().save("/tmp/i10-landscape-mid-race.png")


def test_more_than_two_parameters_chosen_coordinates_and_the_rest_held(window, qtbot):
    doc = parse("L = mean((w[0]*xs + w[1] - ys)**2) + 0.1*b**2",
                values={"w": [0.0, 0.0], "b": 1.0, "xs": [1.0, 2.0, 3.0],
                        "ys": [2.0, 4.0, 6.5]}, requires_grad=False)
    for n in ("w", "b"):
        doc.set_requires_grad(doc.by_name(n).id, True)
    window.controller.set_document(doc)
    window.plots.show_page("landscape")
    page = window.landscape
    page.refresh_columns()
    combo = page.panel.x_coord
    assert [combo.itemText(i) for i in range(combo.count())] == ["w[0]", "w[1]", "b"]
    res = _race(page, qtbot, only={"adam"}, steps=50)
    assert res.axes == [0, 1] and res.held == ["b"]
    assert "the other parameter, b, is held at its start value" in page.note.text()
    page.panel.y_coord.setCurrentIndex(2)  # w[0] against b: the grid is recomputed
    qtbot.waitUntil(lambda: not page.busy and page.result.axes == [0, 2], timeout=30000)
    assert page.result.held == ["w[1]"]
    assert "the other parameter, w[1], is held" in page.note.text()
    assert page.plots.surface.getAxis("left").labelText == "b"
    page.panel.y_coord.setCurrentIndex(0)  # the same coordinate twice: one axis, a curve
    qtbot.waitUntil(lambda: not page.busy and page.result.axes == [0], timeout=30000)
    assert page.result.grid.ys is None


def test_scrubbing_sets_the_canvas_values_as_one_undo_step(window, qtbot):
    page = _open(window, "25_himmelblau")
    stack = window.controller.undo_stack
    depth = stack.count()
    res = _race(page, qtbot, only={"sgd", "adam"}, steps=100)
    page.panel.canvas_runner.setCurrentIndex(1)  # Adam
    page.panel.scrubber.setValue(37)
    assert page.step == 37
    want = res.race.trajectories["adam"].params[37]
    assert float(_value(window, "x")) == pytest.approx(want[0], rel=1e-6)
    assert float(_value(window, "y")) == pytest.approx(want[1], rel=1e-6)
    window.controller.evaluate_now()  # the canvas' gradients are those of step 37
    r = window.controller.result
    assert r is not None
    page.panel.scrubber.setValue(80)
    assert float(_value(window, "x")) == pytest.approx(
        res.race.trajectories["adam"].params[80, 0], rel=1e-6)
    assert stack.count() == depth + 1  # scrubbing is one undo step, not one per step
    stack.undo()
    assert float(_value(window, "x")) == pytest.approx(-0.3)


def test_playback_plays_at_a_speed_pauses_and_steps(window, qtbot):
    page = _open(window, "22_saddle")
    _race(page, qtbot, only={"sgd"}, steps=80)
    player = page.panel.player
    page.panel.speed.setCurrentIndex(4)  # 200 steps/s
    player.seek(0)
    player.play()
    assert player.playing
    qtbot.waitUntil(lambda: player.step >= 80, timeout=5000)
    assert not player.playing and page.panel.play_button.text() == "Play"
    player.seek(10)
    page.panel.step_button.click()
    assert player.step == 11 and page.panel.step_label.text() == "step 11 / 80"
    page.panel.speed.setCurrentIndex(page.panel.speed.count() - 1)  # fastest: to the end
    player.seek(0)
    player.play()
    assert player.step == 80


def test_lr_change_mid_run_continues_from_the_current_point(window, qtbot):
    page = _open(window, "20_descent_quadratic")
    res = _race(page, qtbot, only={"sgd"}, steps=100)
    before = res.race.trajectories["sgd"].params.copy()
    page.panel.scrubber.setValue(30)
    page.panel.lrs["sgd"].setValue(0.1)
    tr = page.result.race.trajectories["sgd"]
    assert tr.steps == 100 and page.step == 30
    np.testing.assert_array_equal(tr.params[:31], before[:31])  # the past is kept
    # from step 30 on: x_{k+1} = x_k - 0.1 (2 x_k - 2)
    x = before[30, 0]
    for k in range(31, 36):
        x = np.float32(x - np.float32(0.1) * (2 * np.float32(x) - 2))
        assert tr.params[k, 0] == pytest.approx(float(x), rel=1e-5)
    assert "continues from step 30" in window.statusBar().currentMessage()
    assert page.plots.legend[0][0] == "SGD (lr 0.1)"


def test_an_edit_makes_the_race_stale_and_stops_following(window, qtbot):
    page = _open(window, "20_descent_quadratic")
    _race(page, qtbot, only={"sgd"}, steps=50)
    x = window.controller.doc.by_name("x").id
    window.controller.push("set_value", x, 3.0)
    assert page.stale and "Race again" in page.note.text()
    page.panel.scrubber.setValue(20)
    assert float(_value(window, "x")) == 3.0  # no longer written


def test_exports_write_valid_png_svg_csv_and_gif(window, qtbot, tmp_path, monkeypatch):
    from PIL import Image

    page = _open(window, "24_beale")
    res = _race(page, qtbot, only={"sgd", "adam", "rmsprop"}, steps=120)
    page.panel.scrubber.setValue(60)
    paths = {k: tmp_path / f"race.{k}" for k in ("png", "svg", "csv", "gif")}
    monkeypatch.setattr(landscape_export, "ask_path", lambda _p, k: str(paths[k]))
    for kind in paths:
        page.panel.exportRequested.emit(kind)
        assert paths[kind].exists(), kind
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(paths["png"]) as im:
        assert im.width >= 800
    svg = paths["svg"].read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    with paths["csv"].open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:5] == ["optimizer", "lr", "step", "x", "y"]
    assert len(rows) == 1 + 3 * 121
    adam = [r for r in rows if r[0] == "Adam"]
    assert float(adam[-1][3]) == res.race.trajectories["adam"].params[-1, 0]
    with Image.open(paths["gif"]) as im:
        assert im.format == "GIF"
        assert im.n_frames == len(landscape_export.gif_steps(120)) == 60
    assert page.step == 60  # the export put the shown step back
    assert "Exported 60 frames" in window.statusBar().currentMessage()


def test_race_errors_say_why(window, qtbot):
    page = _open(window, "20_descent_quadratic")
    for box in page.panel.checks.values():
        box.setChecked(False)
    page.start_race()
    assert not page.busy and "Tick at least one" in window.statusBar().currentMessage()
    window.controller.set_document(parse("y = 2*3", values={}, requires_grad=False))
    page.panel.checks["sgd"].setChecked(True)
    page.start_race()
    qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert "Cannot race" in window.statusBar().currentMessage()
    assert page.result is None


def test_a_race_finishing_after_an_edit_or_a_new_document_is_discarded(window, qtbot):
    page = _open(window, "20_descent_quadratic")
    page.panel.steps.setValue(300)
    page.start_race()
    assert page.busy
    x = window.controller.doc.by_name("x").id
    window.controller.push("set_value", x, 2.0)  # before the result (queued) arrives
    qtbot.waitUntil(lambda: not page.busy, timeout=30000)
    assert page.result is None
    assert "changed while the race was computed" in window.statusBar().currentMessage()
    page.start_race()
    assert window.open_example(EXAMPLES / "23_rosenbrock.json")
    qtbot.waitUntil(lambda: not page.busy, timeout=30000)
    assert page.result is None and page.panel.player.total == 0


def test_runners_ending_at_the_same_loss_are_a_tie(window, qtbot):
    page = _open(window, "25_himmelblau")
    _race(page, qtbot, only={"sgd", "momentum"}, steps=500)  # both reach z = 0 exactly
    assert page.winner.text().startswith("Tie: ")
    assert "SGD" in page.winner.text() and "Momentum" in page.winner.text()


def test_a_long_winner_line_leaves_the_note_room(window, qtbot):
    """A four-way tie's line took the whole head row unwrapped and squeezed the note
    beside it to a word a line (nine lines tall in a dock 750 px wide)."""
    page = _open(window, "25_himmelblau")
    _race(page, qtbot, only={"sgd", "momentum", "adam", "rmsprop"}, steps=500)
    assert page.winner.text().startswith("Tie: ")
    window.plots.resize(754, 340)
    page.resize(740, 320)
    QApplication.processEvents()
    line = page.note.fontMetrics().lineSpacing()
    assert page.note.height() <= 3 * line + 4
    assert page.note.width() > page.winner.width()


def test_a_landscape_lesson_opens_on_the_landscape_page(window):
    assert window.open_example(EXAMPLES / "21_ravine.json")
    assert window.plots.pages.currentWidget() is window.landscape
    assert "Watch SGD zig-zag" in window.landscape.note.text()
    assert window.landscape.panel.steps.value() == 100
    assert window.landscape.panel.lrs["sgd"].value() == 0.038
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    assert window.plots.pages.currentWidget() is not window.landscape
