"""Long status-bar messages end in "…" (not cut mid-word) and show whole as the tooltip."""

from __future__ import annotations

LONG = ("Backward did not run: the output y has shape (3,), so backward needs a gradient "
        "argument of that shape; choose one in the Inspector (Output gradient) or pick a "
        "scalar output, then press Backward again")


def test_a_long_message_is_elided_and_whole_in_the_tooltip(window, qtbot):
    window.resize(900, 700)
    qtbot.wait(10)
    sb = window.statusBar()
    window.show_status(LONG)
    shown = sb.shown_text()
    assert shown.endswith("…") and shown[:-1] in LONG
    assert sb.fontMetrics().horizontalAdvance(shown) <= sb.message_width()
    assert sb.toolTip() == LONG
    assert sb.currentMessage() == LONG  # code that compares messages sees the whole text
    window.statusBar().grab().save("/tmp/r4-polish-status.png")


def test_resizing_elides_again_and_a_short_message_has_no_tooltip(window, qtbot):
    sb = window.statusBar()
    window.resize(700, 700)
    qtbot.wait(10)
    window.show_status(LONG)
    narrow = sb.shown_text()
    window.resize(1400, 700)
    qtbot.wait(10)
    assert len(sb.shown_text()) > len(narrow)  # the room it gained shows more of the text
    assert sb.currentMessage() == LONG
    window.show_status("Saved")
    assert sb.shown_text() == "Saved" and sb.toolTip() == ""
    sb.clearMessage()
    assert sb.currentMessage() == "" and sb.toolTip() == ""
