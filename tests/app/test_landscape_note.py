"""The Landscape page's note keeps a readable width in a narrow Plots dock."""

from __future__ import annotations

from pathlib import Path

from app.panels.plots.landscape_view import NOTE_CHARS

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def test_the_note_is_not_squeezed_in_a_narrow_dock(window, qtbot):
    window.resize(700, 800)
    assert window.open_example(EXAMPLES / "20_descent_quadratic.json")
    window.plots.show_page("landscape")
    page = window.landscape
    qtbot.wait(20)
    least = page.note.fontMetrics().averageCharWidth() * NOTE_CHARS
    # it had two fifths of the column beside an empty winner line: ~3 words a line
    assert not page.winner.isVisible()
    assert page.note.width() >= least
    assert page.note.height() <= 3 * page.note.fontMetrics().lineSpacing() + 4
    page.panel.steps.setValue(20)
    page.start_race()
    qtbot.waitUntil(lambda: not page.busy, timeout=30000)
    page.panel.player.pause()
    qtbot.wait(20)
    assert page.winner.isVisible() and page.winner.text().startswith(("Winner", "Tie"))
    assert page.note.width() >= least
    assert page.winner.y() > page.note.y()  # no room beside the note: under it
    window.plots_dock.grab().save("/tmp/r4-polish-landscape-note.png")


def test_the_empty_plots_sentences_wrap_to_their_plots(window, qtbot):
    """In a narrow dock "No race yet. Tick optimizers on the right…" ran past both sides of
    its plot (a third of the dock wide) and read "t. izers on the right and p"."""
    window.resize(700, 800)
    window.plots.show_page("landscape")
    plots = window.landscape.plots
    qtbot.wait(20)
    for plot, text in ((plots.surface, plots.empty), (plots.loss_plot.plotItem, plots.loss_empty)):
        assert text.isVisible()
        box = text.mapRectToScene(text.boundingRect())
        view = plot.vb.sceneBoundingRect()
        inside = view.left() <= box.left() and box.right() <= view.right()
        assert inside, text.textItem.toPlainText()
