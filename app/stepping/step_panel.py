"""The step dock: what happened at the current backward step, written as the chain rule.

It renders a `stepper.Explanation` (numbers straight from core's replay) as rich text: the
gradient that arrived (and the wire gradients it is the sum of), the op's local derivative from the
catalog, the node's input values, and for each input wire "upstream × local derivative = sent".
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app.application import formatting, theme
from app.canvas.items.wire_item import step_color

if TYPE_CHECKING:
    from app.stepping.stepper import Explanation

MAX_INLINE = 6  # arrays up to this many entries are written out; bigger ones are summarised


def number_text(value: Any) -> str:
    """An array as the panel writes it: every entry of a small one, else a one-line summary
    (shape and its single value, or the corner of the matrix). Tests compare with this."""
    arr = formatting.as_array(value)
    if arr is None:
        return "—"
    label = formatting.grad_label(arr)
    if arr.size <= 1 or arr.size > MAX_INLINE and ": all " in label:
        return label
    if arr.size <= MAX_INLINE:
        flat = ", ".join(formatting.fmt_number(v) for v in arr.reshape(-1))
        return f"[{flat}]" if arr.ndim <= 1 else f"{formatting.shape_text(arr.shape)} [{flat}]"
    head = formatting.preview(arr, max_items=4).replace("\n", " ")
    return f"{formatting.shape_text(arr.shape)} {head}"


class StepPanel(QWidget):
    """Shows one `Explanation`; empty (with a hint) when not stepping."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("stepBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows/Home/End step, not scroll
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser)
        self.explanation: Explanation | None = None
        self.sent_texts: list[str] = []  # what each send row shows as sent (tests)
        self.grad_text = ""  # the arrived total as shown
        self.accumulated_text = ""  # a leaf after Backward again: "8 + 8 = 16"
        self.show_explanation(None)

    def text(self) -> str:
        """The panel as plain text."""
        return self.browser.toPlainText()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.show_explanation(self.explanation)  # colours follow the theme
        super().changeEvent(event)

    def show_explanation(self, ex: Explanation | None) -> None:
        self.explanation = ex
        self.sent_texts = [number_text(s.sent) for s in ex.sends] if ex else []
        self.grad_text = number_text(ex.grad) if ex else ""
        self.accumulated_text = (f"{number_text(ex.previous)} + {number_text(ex.grad)} = "
                                 f"{number_text(ex.accumulated)}"
                                 if ex is not None and ex.previous is not None else "")
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(_html(ex))
        self.browser.verticalScrollBar().setValue(scroll if ex is not None else 0)


# ---------------------------------------------------------------------------------- html
def _html(ex: Explanation | None) -> str:
    t = theme.current()
    mono = theme.mono_font().family()
    sub = t.subtext.name()
    css = (f"body {{ color: {t.text.name()}; }} .sub {{ color: {sub}; }} "
           f".mono {{ font-family: '{mono}'; }} .h {{ color: {sub}; font-weight: 600; }}")
    if ex is None:
        return (f"<html><head><style>{css}</style></head><body>"
                f"<p class='sub'>Press <b>F9</b> (Graph → Step Through Backward) to replay "
                f"backward one node at a time.</p></body></html>")
    p = _Parts(ex, mono)
    return f"<html><head><style>{css}</style></head><body>{''.join(p.body())}</body></html>"


class _Parts:
    """The panel's sections for one explanation."""

    def __init__(self, ex: Explanation, mono: str) -> None:
        self.ex = ex
        self.t = theme.current()
        self.mono = mono
        self.d = f"∂{ex.output_name}"  # ∂out

    def num(self, value: Any) -> str:
        arr = formatting.as_array(value)
        color = self.t.text
        if arr is not None and arr.dtype.kind == "f":
            s = formatting.sign(arr)
            color = {1: self.t.grad_pos, -1: self.t.grad_neg}.get(s, self.t.grad_zero)
            if not self.t.is_dark:
                color = color.darker(115)
        return (f"<span style=\"font-family:'{self.mono}'; color:{color.name()}\">"
                f"{escape(number_text(value))}</span>")

    def code(self, text: str) -> str:
        return f"<span style=\"font-family:'{self.mono}'\">{escape(text)}</span>"

    def section(self, title: str) -> str:
        return (f"<p style='margin-top:12px; margin-bottom:3px'><span class='h'>"
                f"{escape(title)}</span></p>")

    def card(self, rows: list[str | tuple[str, str]], accent: bool = False) -> str:
        """A tinted block; a (label, html) row puts the label in a narrow left column."""
        t = self.t
        edge = step_color().name() if accent else t.node_border.name()
        bg = t.node_header.name()
        cells = []
        for i, r in enumerate(rows):
            # Qt's rich text has no border-left: a narrow coloured first column draws the edge
            lead = (f"<td width='3' rowspan='{len(rows)}' style='background:{edge}'></td>"
                    if i == 0 else "")
            if isinstance(r, tuple):
                body = (f"<td width='70' style='padding:1px 4px 1px 8px; white-space:nowrap; "
                        f"color:{t.subtext.name()}'>{escape(r[0])}</td>"
                        f"<td style='padding:1px 8px 1px 4px'>{r[1]}</td>")
            else:
                body = f"<td colspan='2' style='padding:1px 8px'>{r}</td>"
            cells.append(f"<tr>{lead}{body}</tr>")
        return (f"<table width='100%' cellspacing='0' cellpadding='3' "
                f"style='margin-bottom:6px; background:{bg}'>{''.join(cells)}</table>")

    def body(self) -> list[str]:
        ex = self.ex
        out: list[str] = [self.header()]
        if ex.kind == "seed":
            out += self.seed()
        elif ex.kind == "leaf":
            out += self.leaf()
        elif ex.kind == "frame":
            out += self.frame()
        else:
            out += self.node()
        green = step_color().name()
        out.append(f"<p class='sub' style='margin-top:14px'>On the canvas: "
                   f"<span style='color:{green}'>green</span> is this step; dimmed nodes and "
                   f"wires have no gradient yet; ∇ 1 of 2 on a node means one of the two "
                   f"gradients it will sum has arrived.</p>")
        return out

    def header(self) -> str:
        ex, t = self.ex, self.t
        green = step_color().name()
        kind = {"seed": "seed", "leaf": "leaf · .grad", "frame": "collapsed frame"}.get(
            ex.kind, "node")
        return (f"<p style='margin-bottom:0'><span style='font-size:15pt; font-weight:600'>"
                f"Step {ex.index + 1}</span><span class='sub' style='font-size:11pt'> of "
                f"{ex.count}</span> &nbsp;<span style='color:{green}; font-weight:600'>"
                f"● {escape(kind)}</span></p>"
                f"<p style='margin-top:2px; margin-bottom:0'><span style='font-size:12pt; "
                f"font-weight:600'>{escape(ex.name)}</span> &nbsp;<span class='sub'>"
                f"{escape(ex.op)}</span></p>"
                f"<p style=\"margin-top:0; font-family:'{self.mono}'; "
                f"color:{t.subtext.name()}\">{escape(ex.engine_name)}</p>")

    def arrived(self, what: str) -> list[str]:
        """The total that arrived and, when several consumers sent a share, the sum."""
        ex = self.ex
        rows = [f"{self.code(what)} = {self.num(ex.grad)}"]
        if len(ex.terms) > 1:
            parts = " + ".join(self.num(term.grad) for term in ex.terms)
            rows.append(f"<span class='sub'>= </span>{parts}")
            for term in ex.terms:
                rows.append(f"<span class='sub'>&nbsp;&nbsp;from {escape(term.from_name)} "
                            f"(input {escape(term.port)}):</span> {self.num(term.grad)}")
        elif ex.terms:
            term = ex.terms[0]
            rows.append(f"<span class='sub'>sent back by {escape(term.from_name)} "
                        f"(input {escape(term.port)})</span>")
        return [self.card(rows)]

    def seed(self) -> list[str]:
        ex = self.ex
        out = [f"<p>Backward starts at the output <b>{escape(ex.name)}</b>: the gradient "
               f"argument {self.code(f'{self.d}/∂{ex.output_name}')} arrives "
               f"(ones for a scalar output, as <i>.backward()</i> uses, else the document's "
               f"gradient).</p>",
               self.section("Gradient argument"),
               self.card([f"{self.code(f'{self.d}/∂{ex.output_name}')} = {self.num(ex.grad)}"])]
        out += self.sends(passes=True)
        return out

    def node(self) -> list[str]:
        ex = self.ex
        passes = ex.engine_name.startswith("(")
        if passes:
            intro = (f"<b>{escape(ex.name)}</b> forwards its input unchanged, so the gradient "
                     f"that arrived goes back along its wire as it is.")
        else:
            intro = (f"<b>{escape(ex.name)}</b> has received its whole gradient. The engine runs "
                     f"{self.code(ex.engine_name)}: it multiplies that gradient by the local "
                     f"derivative of each input and sends the result back along the wire.")
        out = [f"<p>{intro}</p>", self.section(f"Arrived  {self.d}/∂{ex.name}")]
        out += self.arrived(f"{self.d}/∂{ex.name}")
        if not passes:
            out.append(self.section(f"Local derivative ({ex.op})"))
            rows = [self.code(ex.formula)]
            for port, src, value in ex.inputs:
                rows.append(f"{self.code(port)} = {self.code(number_text(value))} "
                            f"<span class='sub'>&nbsp;from {escape(src)}</span>")
            out.append(self.card(rows))
        out += self.sends(passes)
        if ex.inner:
            out.append(self.section("Engine ops inside this node"))
            rows = [f"{self.code(name)} <span class='sub'>received</span> {self.num(g)}"
                    for name, g in ex.inner]
            out.append(self.card(rows))
        return out

    def frame(self) -> list[str]:
        """A collapsed frame as one step: what arrived, the steps inside it in the engine's
        order, and the chain rule for each wire that leaves it backwards."""
        ex = self.ex
        out = [f"<p>The frame <b>{escape(ex.name)}</b> is collapsed, so its "
               f"{len(ex.inner)} backward steps show as one. Expand it (▸ in its title) to "
               f"step through them one by one.</p>",
               self.section(f"Arrived  {self.d}/∂{ex.name}")]
        out += self.arrived(f"{self.d}/∂{ex.name}")
        out.append(self.section("Steps inside this frame"))
        rows = [f"{self.code(name)} <span class='sub'>received</span> {self.num(g)}"
                for name, g in ex.inner]
        out.append(self.card(rows))
        if ex.inputs:
            out.append(self.section("Inputs crossing the border"))
            out.append(self.card([f"{self.code(port)} = {self.code(number_text(value))} "
                                  f"<span class='sub'>&nbsp;from {escape(src)}</span>"
                                  for port, src, value in ex.inputs]))
        out += self.sends(passes=False)
        return out

    def sends(self, passes: bool) -> list[str]:
        ex = self.ex
        if not ex.sends:
            return [self.section("Sent back"),
                    self.card(["<span class='sub'>Nothing: no input of this node needs a "
                               "gradient.</span>"])]
        title = "Sent back (passed on unchanged)" if passes else \
            "Chain rule: sent back along each input"
        out = [self.section(title)]
        for s in ex.sends:
            head = (f"→ <b>{escape(s.to_name)}</b> <span class='sub'>via input "
                    f"{escape(s.port)}</span>")
            if passes:
                rows = [head, ("upstream", self.num(s.upstream)), ("= sent", self.num(s.sent))]
            else:
                rows = [head, ("upstream", self.num(s.upstream)),
                        ("× local", self.code(s.local)),
                        ("= sent", f"{self.num(s.sent)} <span class='sub'>&nbsp;"
                                   f"{escape(self.d)}/∂{escape(s.to_name)} along this wire"
                                   f"</span>")]
            out.append(self.card(rows, accent=True))
        return out

    def leaf(self) -> list[str]:
        ex = self.ex
        n = len(ex.terms)
        why = (f"The {n} gradients sent back along its wires are summed into it."
               if n > 1 else "The gradient sent back along its wire is stored in it.")
        if ex.previous is not None:  # Backward again: AccumulateGrad adds to what was there
            out = [f"<p><b>{escape(ex.name)}</b> is a leaf that requires grad and already has a "
                   f"{self.code(ex.name + '.grad')} from an earlier pass: the engine's "
                   f"{self.code('AccumulateGrad')} adds what arrived to it (call "
                   f"{self.code('zero_grad()')} to start from 0). {why}</p>",
                   self.section(f"Arrived  {self.d}/∂{ex.name}")]
            out += self.arrived(f"{self.d}/∂{ex.name}")
            out += [self.section(f"{ex.name}.grad = previous + arrived"),
                    self.card([("previous", self.num(ex.previous)),
                               ("+ arrived", self.num(ex.grad)),
                               ("= .grad", self.num(ex.accumulated))], accent=True)]
            return out
        out = [f"<p><b>{escape(ex.name)}</b> is a leaf that requires grad: the engine's "
               f"{self.code('AccumulateGrad')} writes {self.code(ex.name + '.grad')}. {why}</p>",
               self.section(f"{ex.name}.grad")]
        out += self.arrived(f"{ex.name}.grad")
        return out
