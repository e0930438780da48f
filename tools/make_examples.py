"""Build resources/examples/*.json: the seed lessons as documents.

A developer's tool, not part of the app (the wheel ships the JSON files it wrote, not this
script). Run from the checkout:

    python tools/make_examples.py              # every lesson
    python tools/make_examples.py 11_neuron    # only those named

tests/graph/test_examples.py checks that the committed files are what `build()` makes and
that their numbers are the seeds', so a file edited by hand is checked too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's core, not an installed one

from core.graph import Document  # noqa: E402
from core.graph.atomic import write_atomic  # noqa: E402
from core.graph.layout import apply_layout, layered_layout  # noqa: E402
from core.graph.parser import parse  # noqa: E402
from core.graph.serialize import dumps  # noqa: E402

OUT = ROOT / "resources" / "examples"


def _lesson(text: str, values: dict, grad_vars: tuple[str, ...], title: str,
            explanation: str, source: str, **meta: object) -> Document:
    doc = parse(text, values=values, requires_grad=False)
    for name in grad_vars:
        doc.set_requires_grad(doc.by_name(name).id, True)
    doc.meta = {"title": title, "explanation": explanation, "source": source, **meta}
    return doc


def build() -> dict[str, Document]:
    docs: dict[str, Document] = {}
    docs["01_quadratic"] = _lesson(
        "y = a*x**2 + b*x + c", {"x": 0.0, "a": 1.0, "b": -2.0, "c": 1.0}, ("x",),
        "f(x) = x² − 2x + 1 at x = 0",
        "Backward from y gives dy/dx = 2ax + b = −2 at x = 0. Graph ▸ Differentiate "
        "(Ctrl+Shift+D, create_graph=True) adds dy/dx as its own graph; backward from it, "
        "or differentiating again, gives the second derivative, 2.",
        "eat_pytorch 2-2: backward of a scalar; autograd.grad with create_graph=True")
    docs["02_shifted_square"] = _lesson(
        "z = (x + 2)**2 + 3", {"x": 2.0}, ("x",),
        "z = (x + 2)² + 3 at x = 2",
        "z = 19. Backward: ∂z/∂x = 2(x + 2) = 8. Follow the gradient along the wires: the "
        "pow node sends 2·(x + 2)·1 = 8 back to the add node, which passes it on to x.",
        "PyTorch autograd lesson: simple situation automatic derivation")
    docs["03_dot_product"] = _lesson(
        "y = 2*dot(x, x)", {"x": [0.0, 1.0, 2.0, 3.0]}, ("x",),
        "y = 2·xᵀx for x = [0, 1, 2, 3]",
        "y = 28. The gradient of 2xᵀx is 4x = [0, 4, 8, 12]: dot sends x to each of its two "
        "input wires (both come from x), and x adds them up.",
        "d2l: automatic differentiation, a simple function")
    docs["04_nonscalar_backward"] = _lesson(
        "y = a*x**2 + b*x + c", {"x": [[0.0, 0.0], [1.0, 2.0]], "a": 1.0, "b": -2.0, "c": 1.0},
        ("x",), "Backward of a non-scalar y with a gradient argument",
        "y is a 2×2 matrix, so backward needs a gradient argument of the same shape: "
        "select out and see gradient = all ones in the inspector; backward then is the same "
        "as backward of sum(y·gradient). x.grad = 2x − 2 = [[−2, −2], [0, 2]].",
        "eat_pytorch 2-2: non-scalar backpropagation")
    d = docs["04_nonscalar_backward"]
    d.set_output(d.output, gradient=[[1.0, 1.0], [1.0, 1.0]])
    docs["05_two_outputs"] = _lesson(
        "y1 = x1*x2\ny2 = x1 + x2\ny1\ny2", {"x1": 1.0, "x2": 2.0}, ("x1", "x2"),
        "autograd.grad with two inputs and two outputs",
        "Backward from out (y1 = x1·x2) gives grad(y1, [x1, x2]) = (x2, x1) = (2, 1). "
        "Select both output nodes (Ctrl+click out and out1) and press Graph ▸ Backward from "
        "Selected (Ctrl+Alt+B): grad([y1, y2], [x1, x2]) sums their gradients, "
        "(2 + 1, 1 + 1) = (3, 2).",
        "eat_pytorch 2-2: autograd.grad with several variables")
    d = docs["05_two_outputs"]
    d.set_output(d.outputs()[0])  # y1's: the lesson starts from grad(y1, ...)
    rng = np.random.default_rng(0)
    docs["06_mean_matmul"] = _lesson(
        "out = mean(y - x @ w)",
        {"x": rng.standard_normal((10, 20)).round(4).astype(np.float32),
         "y": rng.standard_normal((10, 5)).round(4).astype(np.float32),
         "w": rng.standard_normal((20, 5)).round(4).astype(np.float32)},
        ("x", "y", "w"), "mean(y − x @ w) with matrices",
        "Each of the 50 entries of y − x@w contributes 1/50 to the mean, so y.grad is 0.02 "
        "everywhere; x.grad = −(1/50)·(row sums of w) in every row; w.grad = −(1/50)·"
        "(column sums of x) in every column.",
        "PyTorch autograd lesson: a more complicated example")
    docs["07_power_vector"] = _lesson(
        "n = reshape([m[0, 0]**2, m[0, 1]**3], (1, 2))", {"m": [[2.0, 3.0]]}, ("m",),
        "n = (m₀², m₁³) with backward(ones)",
        "n = (4, 27). Backward with gradient (1, 1): ∂n/∂m₀ = 2m₀ = 4 and ∂n/∂m₁ = 3m₁² = 27, "
        "so m.grad = [[4, 27]]. Each index node sends its gradient back into a zero matrix at "
        "its position; m adds the two.",
        "PyTorch autograd lesson: automated derivation of complex situations")
    d = docs["07_power_vector"]
    d.set_output(d.output, gradient=[[1.0, 1.0]])
    docs["08_jacobian"] = _lesson(
        "k = [x[0]**2 + 3*x[1], x[1]**2 + 2*x[0]]", {"x": [2.0, 3.0]}, ("x",),
        "The Jacobian exercise",
        "k = (x₀² + 3x₁, x₁² + 2x₀) = (13, 13). Its Jacobian is [[2x₀, 3], [2, 2x₁]] = "
        "[[4, 3], [2, 6]]. Select out: its gradient argument is (1, 0), so x.grad is the "
        "first row, (4, 3). Type (0, 1) as gradient = in the inspector: x.grad becomes the "
        "second row, (2, 6). Graph ▸ Jacobian of the Output shows the whole matrix at once.",
        "PyTorch autograd lesson: little exercise")
    d = docs["08_jacobian"]
    d.set_output(d.output, gradient=[1.0, 0.0])
    docs["09_detach"] = _lesson(
        "y = x*x\nu = detach(y)\nz = u*x\nsum(z)", {"x": [0.0, 1.0, 2.0, 3.0]}, ("x",),
        "Detaching computation",
        "u has y's values but no history: no gradient flows back through detach. So the "
        "gradient of sum(u·x) with respect to x is u = x² = [0, 1, 4, 9], not 3x².",
        "d2l: detaching computation")
    docs["10_retain_graph"] = _lesson(
        "y = x*2 + x**2 + 3", {"x": 3.0}, ("x",),
        "Backward twice: gradients accumulate",
        "y = 18 and dy/dx = 2 + 2x = 8. With Graph ▸ Keep Graph off (PyTorch's default), "
        "press Backward Again (Ctrl+Shift+B): refused, backward freed the graph. Tick Keep "
        "Graph (retain_graph=True, Ctrl+Shift+K) and press Backward Again twice: x.grad "
        "accumulates to 8 + 8 = 16, then 24. Zero Grad (Ctrl+Shift+Backspace) sets it back to 0.",
        "PyTorch autograd lesson: multiple automatic derivation")
    docs["11_neuron"] = _lesson(
        "y = tanh(w*x + b)", {"w": 0.5, "x": 2.0, "b": -0.5}, ("w", "b"),
        "A neuron, collapsed into one box",
        "A neuron computes y = tanh(w·x + b). Its three ops are grouped in a frame (select "
        "nodes, Ctrl+G) and collapsed into one box that shows only the wires crossing its "
        "border and what leaves it: y = tanh(0.5) = 0.4621. Step through backward (F9): the "
        "neuron is one step whose explanation lists the three steps inside it; then "
        "w.grad = x·(1 − y²) = 1.573 and b.grad = 1 − y² = 0.7864. Click ▸ in its title to "
        "expand it and step through tanh, add and mul one by one.",
        "A neuron, as in every neural-network tutorial: tanh(w·x + b)")
    docs.update(landscapes())
    for doc in docs.values():
        apply_layout(doc, layered_layout(doc))
    d = docs["11_neuron"]  # after the layout, so the frame surrounds where its nodes are
    d.insert_frame(d.prepare_frame(None, "neuron", "blue",
                                   [n.id for n in d if n.op in ("mul", "add", "tanh")],
                                   collapsed=True))
    return docs


def _race(**lrs: float) -> dict[str, dict[str, object]]:
    """A race's runners: optimizer name -> its settings (label = the optimizer's name)."""
    return {name: {"optimizer": name, "lr": lr} for name, lr in lrs.items()}


def _landscape(text: str, values: dict, title: str, watch: str, explanation: str,
               race: dict, steps: int, source: str) -> Document:
    """A built-in loss landscape: every variable is a parameter to train; `watch` is the
    one line the Landscape view shows; `race`/`steps` what its Race button starts with."""
    return _lesson(text, values, tuple(values), title, explanation, source, watch=watch,
                   race=race, steps=steps)


def landscapes() -> dict[str, Document]:
    """Issue 10's landscapes (files 20_…): functions optimizers are raced on. Their
    documented behaviour is checked in tests/graph/test_landscape_examples.py."""
    docs: dict[str, Document] = {}
    docs["20_descent_quadratic"] = _landscape(
        "y = x**2 - 2*x + 1", {"x": 0.0}, "Landscape: sliding into the minimum of x² − 2x + 1",
        "Watch SGD's point slide down the curve into x = 1, its steps shrinking with the "
        "slope (the tangent flattens).",
        "The seed quadratic as a landscape. SGD with lr 0.01 multiplies the distance to the "
        "minimum by 0.98 each step: after 500 steps x ≈ 0.99996. Momentum overshoots and "
        "swings back; Adam walks at about lr per step.",
        _race(sgd=0.01, momentum=0.01, adam=0.05), 500,
        "eat_pytorch 2-3: minimising f(x) = x² − 2x + 1 with an optimizer")
    docs["21_ravine"] = _landscape(
        "z = 0.5*x**2 + 25*y**2", {"x": -4.0, "y": 1.0}, "Landscape: an ill-conditioned ravine",
        "Watch SGD zig-zag across the steep walls while crawling along the flat floor; "
        "momentum rolls down the valley.",
        "Curvature 50 across the ravine and 1 along it. SGD's learning rate must stay below "
        "2/50 = 0.04 or it diverges across, so along the floor it moves only 4% of the way "
        "per step: after 100 steps with lr 0.038 x is still −0.08. Momentum (lr 0.01) "
        "builds up speed along the floor and ends ten times lower.",
        _race(sgd=0.038, momentum=0.01, adam=0.1), 100,
        "Goh, Why Momentum Really Works (distill, 2017)")
    docs["22_saddle"] = _landscape(
        "z = x**2 - y**2", {"x": -1.5, "y": 0.001}, "Landscape: a saddle, x² − y²",
        "Watch gradient descent run into the saddle at (0, 0) and stall there before the "
        "tiny y grows and it slides off; Adam leaves much sooner.",
        "Started almost on the ridge (y = 0.001), SGD's y grows only by 1 + 2·lr per step, "
        "so it lingers near the saddle point where the gradient vanishes. Adam divides by the "
        "gradient's size and moves y by about lr per step at once. The surface has no "
        "minimum: every loss curve falls without bound.",
        _race(sgd=0.05, momentum=0.02, adam=0.05), 80,
        "the saddle point of Goodfellow, Bengio and Courville, Deep Learning §8.2.3")
    docs["23_rosenbrock"] = _landscape(
        "z = (1 - x)**2 + 100*(y - x**2)**2", {"x": -1.5, "y": 2.0},
        "Landscape: Rosenbrock's banana valley",
        "Watch everyone drop into the curved valley at once, then creep along its flat "
        "floor towards the minimum at (1, 1).",
        "The valley floor y = x² is steep across and nearly flat along: plain SGD's lr must "
        "suit the walls, so it barely moves along the floor in 1000 steps; Adam reaches "
        "(1, 1).",
        _race(sgd=0.0005, momentum=0.0002, adam=0.05, rmsprop=0.01), 1000,
        "Rosenbrock (1960), the standard optimizer test function")
    docs["24_beale"] = _landscape(
        "z = (1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        {"x": 1.0, "y": 1.5}, "Landscape: Beale's function",
        "Watch the adaptive optimizers (Adam, RMSprop, Adagrad) cross the flat plateau to "
        "the minimum at (3, 0.5) while SGD is still on its way.",
        "Beale's function is flat over a wide plateau and steep at its edges. The minimum is "
        "z = 0 at (3, 0.5).",
        _race(sgd=0.001, momentum=0.0005, adam=0.05, rmsprop=0.01, adagrad=0.5), 1000,
        "Beale (1958); the optimizer-race animations of Radford (2014)")
    docs["25_himmelblau"] = _landscape(
        "z = (x**2 + y - 11)**2 + (x + y**2 - 7)**2", {"x": -0.3, "y": -0.9},
        "Landscape: Himmelblau's four minima",
        "Watch the runners leave the hilltop in different directions and end in different "
        "minima.",
        "Himmelblau's function has four minima with z = 0: (3, 2), (−2.81, 3.13), "
        "(−3.78, −3.28) and (3.58, −1.85), and a maximum near (−0.27, −0.92). Started just "
        "beside the maximum, SGD and momentum follow the gradient to (−3.78, −3.28); Adam and "
        "RMSprop, which step by the gradient's sign more than its size, end at "
        "(−2.81, 3.13).",
        _race(sgd=0.01, momentum=0.002, adam=0.1, rmsprop=0.05), 500,
        "Himmelblau (1972), Applied Nonlinear Programming")
    return docs


def _text(doc: Document, path: Path) -> str:
    """The file for `doc`; a lesson whose committed file says format version 1 stays version 1
    (it has no frames, the only thing version 2 added) so that such files keep being loaded
    by the tests when a lesson is regenerated, e.g. after a layout change."""
    text = dumps(doc)
    try:
        old = json.loads(path.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        old = None
    if old == 1 and not doc.frames:
        data = json.loads(text)
        data["version"] = 1
        text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False)
    return text


def main(names: list[str] | None = None) -> None:
    """Write the lessons (only those named, e.g. `11_neuron`, when names are given)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, doc in build().items():
        if names and name not in names:
            continue
        path = OUT / f"{name}.json"
        write_atomic(path, _text(doc, path))
        print("wrote", path)


if __name__ == "__main__":
    main(sys.argv[1:])
