"""Loss landscapes: a document's output over a grid of one or two of its parameters.

`loss_grid(doc, [(w, 0), (b, 0)], [(-2, 2), (-1, 3)], 200)` evaluates the output at every
point of a 200×200 grid of (w, b) with every other variable at its current value. It is
what the Plots dock draws under an optimizer's trajectory, so it must be the document's
own numbers (the engine, `core`, through the catalog's engine calls) and fast enough to
compute once per run: the grid is *batched* — the two coordinates become a batch axis in
front of each value that depends on them, and the whole grid goes through the graph in
one forward. An op the batch rules below do not know (or cannot batch for these shapes)
is run point by point for that node only, so any document works, only slower.

Batch rules are about *where the batch axis goes* (shift a dim, pad for broadcasting,
prepend `:` to an index); the op itself is always the catalog's engine call, so the grid
equals the document evaluated point by point (tests/graph/test_landscape.py, 1e-6).

Usage::

    g = loss_grid(doc, [(x, 0)], [(-1.0, 3.0)], 201)    # g.xs, g.z (shape (201,))
    g = loss_grid(doc, [(w, 0), (b, 0)], [(-2, 2), (-1, 3)], (200, 150))
    g.z.shape == (150, 200); g.minimum() -> (w*, b*, loss*); g.pointwise -> fallback ids
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.document import Document, GraphError

Coord = tuple[str, int]


@dataclass(frozen=True)
class LossGrid:
    """The output over a grid. `z[j, i]` is the loss at (xs[i], ys[j]); for one
    coordinate `ys` is None and `z[i]` is the loss at xs[i]. `pointwise` lists the
    nodes the batch rules could not batch (evaluated point by point)."""

    coords: tuple[Coord, ...]
    xs: np.ndarray
    ys: np.ndarray | None
    z: np.ndarray
    pointwise: tuple[str, ...] = field(default_factory=tuple)

    def minimum(self) -> tuple[float, ...]:
        """The grid's lowest finite point: (x, loss) or (x, y, loss); nan if none."""
        z = np.where(np.isfinite(self.z), self.z, np.inf)
        if not np.isfinite(z).any():
            return (math_nan(),) * (len(self.coords) + 1)
        k = np.unravel_index(int(np.argmin(z)), z.shape)
        if self.ys is None:
            return float(self.xs[k[0]]), float(self.z[k])
        return float(self.xs[k[1]]), float(self.ys[k[0]]), float(self.z[k])


def math_nan() -> float:
    return float("nan")


def loss_grid(doc: Document, coords: Sequence[Coord], ranges: Sequence[tuple[float, float]],
              resolution: int | tuple[int, int] = 101, output: str | None = None,
              values: Mapping[str, Any] | None = None, lib: Any = None) -> LossGrid:
    """The output of `doc` over a grid of one or two coordinates (see the module doc).

    `coords`: (variable id, flat index) pairs, one or two; `ranges`: (lo, hi) each;
    `resolution`: points per axis (one int for all, or (nx, ny)); `values`: optional
    values to hold the other variables at instead of the document's (the start of a run).
    A non-scalar output is reduced as training does: sum(gradient · y) with the output's
    gradient argument. Raises GraphError with the reason when it cannot be computed."""
    if lib is None:
        import core as lib
    coords = tuple((str(n), int(i)) for n, i in coords)
    if len(coords) not in (1, 2):
        raise GraphError("a landscape needs one or two coordinates")
    if len(ranges) != len(coords):
        raise GraphError("give one (lo, hi) range per coordinate")
    out = output if output is not None else doc.output
    if out is None:
        raise GraphError("choose an output: the landscape is its value")
    held = {k: np.asarray(v) for k, v in (values or {}).items()}
    _check_coords(doc, coords, held)
    axes = _axes(ranges, resolution, len(coords))
    if len(axes) == 1:
        points = [axes[0]]
    else:
        gx, gy = np.meshgrid(axes[0], axes[1])  # (ny, nx): row j is ys[j]
        points = [gx.reshape(-1), gy.reshape(-1)]
    b = points[0].size
    shapes = _shapes(doc, out, held, lib)
    batched_out, pointwise = _forward(doc, out, coords, points, held, shapes, lib)
    y = np.asarray(batched_out.detach().numpy()).astype(np.float64)
    z = _objective(doc, out, y, b)
    z = z.reshape(b) if len(axes) == 1 else z.reshape(axes[1].size, axes[0].size)
    return LossGrid(coords, axes[0], axes[1] if len(axes) == 2 else None, z,
                    tuple(pointwise))


def _check_coords(doc: Document, coords: tuple[Coord, ...],
                  held: Mapping[str, np.ndarray]) -> None:
    """Each coordinate an existing element of a floating-point variable."""
    for nid, idx in coords:
        node = doc.node(nid)
        v = held.get(nid, node.value)
        if node.op != "variable" or v is None or np.asarray(v).dtype.kind != "f":
            raise GraphError(f"{node.name} is not a floating-point variable")
        if not 0 <= idx < np.asarray(v).size:
            raise GraphError(f"{node.name} has no element {idx} (it has {np.asarray(v).size})")


def _axes(ranges: Sequence[tuple[float, float]], resolution: int | tuple[int, int],
          n_coords: int) -> list[np.ndarray]:
    """The grid's points along each axis: `resolution` of them (at least 2) spread over
    each finite, non-empty range."""
    res = (resolution, resolution) if isinstance(resolution, int) else tuple(resolution)
    if any(int(r) < 2 for r in res[:n_coords]):
        raise GraphError("a landscape needs at least 2 points per axis")
    axes = []
    for (lo, hi), n in zip(ranges, res):
        lo, hi = float(lo), float(hi)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise GraphError(f"the range ({lo:g}, {hi:g}) is empty or not finite")
        axes.append(np.linspace(lo, hi, int(n)))
    return axes


# ---------------------------------------------------------------------- forward
def _order(doc: Document, out: str) -> list[str]:
    needed = doc.ancestors(out) | {out}
    return [n for n in doc.topo_order() if n in needed]


def _value(doc: Document, nid: str, held: Mapping[str, np.ndarray]) -> np.ndarray:
    v = held.get(nid)
    return np.array(doc.node(nid).value if v is None else v, copy=True)


def _shapes(doc: Document, out: str, held: Mapping[str, np.ndarray], lib: Any
            ) -> dict[str, tuple[int, ...]]:
    """Every needed node's shape, from one ordinary forward (shapes do not depend on
    the values, and this also reports a broken graph before the grid is attempted)."""
    env: dict[str, Any] = {}
    for nid in _order(doc, out):
        node = doc.node(nid)
        if node.spec.has_value:
            env[nid] = lib.from_numpy(_value(doc, nid, held))
            continue
        args = _args(doc, nid, env)
        try:
            env[nid] = node.spec.call(args, node.params, lib)
        except GraphError:
            raise
        except Exception as e:
            raise GraphError(f"{node.name}: {e}") from None
    return {n: tuple(t.shape) for n, t in env.items()}


def _args(doc: Document, nid: str, env: Mapping[str, Any]) -> dict[str, Any]:
    node = doc.node(nid)
    wired = doc.inputs_of(nid)
    args: dict[str, Any] = {}
    for port in node.spec.inputs:
        if port.variadic:
            idx = sorted((int(p.split(".")[1]), s) for p, s in wired.items()
                         if p.startswith(port.name + "."))
            if not idx:
                raise GraphError(f"{node.name}: input {port.name!r} needs at least one wire")
            args[port.name] = [env[s] for _, s in idx]
        elif port.name in wired:
            args[port.name] = env[wired[port.name]]
        elif port.optional:
            args[port.name] = None
        else:
            raise GraphError(f"{node.name}: input {port.name!r} is not wired")
    return args


def _forward(doc: Document, out: str, coords: tuple[Coord, ...], points: list[np.ndarray],
             held: Mapping[str, np.ndarray], shapes: dict[str, tuple[int, ...]], lib: Any
             ) -> tuple[Any, list[str]]:
    """The output with a leading batch axis of len(points[0]) (broadcast if it does not
    depend on the coordinates), and the ids evaluated point by point."""
    b = points[0].size
    env: dict[str, Any] = {}
    batched: set[str] = set()
    pointwise: list[str] = []
    by_node: dict[str, list[tuple[int, np.ndarray]]] = {}
    for (nid, idx), pts in zip(coords, points):
        by_node.setdefault(nid, []).append((idx, pts))
    with lib.no_grad():
        for nid in _order(doc, out):
            node = doc.node(nid)
            spec = node.spec
            if spec.has_value:
                v = _value(doc, nid, held)
                if nid in by_node:
                    env[nid] = _batched_leaf(v, by_node[nid], b, lib)
                    batched.add(nid)
                else:
                    env[nid] = lib.from_numpy(v)
                continue
            args = _args(doc, nid, env)
            srcs = doc.inputs_of(nid)
            flags = {p: s in batched for p, s in srcs.items()}
            if not any(flags.values()):
                env[nid] = spec.call(args, node.params, lib)
                continue
            t = _batched_by_rule(_Ctx(doc, nid, args, flags, shapes, b, lib))
            if t is None:
                t = _pointwise(doc, nid, args, flags, b, lib)
                pointwise.append(nid)
            env[nid] = t
            batched.add(nid)
    res = env[out]
    if out not in batched:
        res = lib.from_numpy(np.broadcast_to(np.asarray(res.detach().numpy()),
                                             (b, *shapes[out])).copy())
    return res, pointwise


def _batched_leaf(v: np.ndarray, coords: list[tuple[int, np.ndarray]], b: int,
                  lib: Any) -> Any:
    """A variable repeated `b` times along a new first axis, its coordinate elements
    replaced by the grid's points."""
    grid = np.repeat(v.reshape(1, -1), b, axis=0)
    for idx, pts in coords:
        grid[:, idx] = pts.astype(v.dtype)
    return lib.from_numpy(grid.reshape((b, *v.shape)))


def _batched_by_rule(ctx: _Ctx) -> Any:
    """The node over the whole batch by its op's batching rule, or None when there is no
    rule or it cannot batch these shapes (the caller then goes point by point)."""
    rule = _RULES.get(ctx.doc.node(ctx.nid).op)
    if rule is None:
        return None
    try:
        t = rule(ctx)
    except Exception:  # a shape the rule cannot batch: fall back to point by point
        return None
    if t is not None and tuple(t.shape) != (ctx.b, *ctx.shapes[ctx.nid]):
        return None
    return t


def _objective(doc: Document, out: str, y: np.ndarray, b: int) -> np.ndarray:
    """The loss per grid point, as `Trainer` records it."""
    rest = y.shape[1:]
    g = doc.output_gradient if out == doc.output else None
    if g is None:
        if int(np.prod(rest, dtype=np.int64)) != 1:
            raise GraphError(f"{doc.node(out).name} has shape {rest}, not a scalar: reduce "
                             "it (sum, mean) or give the output a gradient argument")
        return y.reshape(b)
    gb = np.broadcast_to(np.asarray(g, dtype=np.float64), rest)
    return np.sum((y * gb).reshape(b, -1), axis=1)


def _pointwise(doc: Document, nid: str, args: dict[str, Any], flags: Mapping[str, bool],
               b: int, lib: Any) -> Any:
    """The node at each grid point in turn (the fallback: any op, any shapes)."""
    node = doc.node(nid)
    spec = node.spec

    def pick(port: str, t: Any, k: int) -> Any:
        return t[k] if flags.get(port, False) else t

    outs = []
    for k in range(b):
        a: dict[str, Any] = {}
        for port in spec.inputs:
            v = args.get(port.name)
            if port.variadic:
                a[port.name] = [pick(f"{port.name}.{i}", t, k) for i, t in enumerate(v)]
            else:
                a[port.name] = None if v is None else pick(port.name, v, k)
        outs.append(np.asarray(spec.call(a, node.params, lib).detach().numpy()))
    return lib.from_numpy(np.stack(outs))


# ---------------------------------------------------------------------- batch rules
@dataclass
class _Ctx:
    """What a batch rule sees: the node, its engine args (batched ones with the batch
    axis in front), which ports are batched, every node's unbatched shape."""

    doc: Document
    nid: str
    args: dict[str, Any]
    flags: Mapping[str, bool]
    shapes: Mapping[str, tuple[int, ...]]
    b: int
    lib: Any

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.doc.node(self.nid).params)

    def shape(self, port: str) -> tuple[int, ...]:
        return self.shapes[self.doc.inputs_of(self.nid)[port]]

    def call(self, args: Mapping[str, Any], params: Mapping[str, Any] | None = None) -> Any:
        spec = self.doc.node(self.nid).spec
        return spec.call(dict(args), self.params if params is None else dict(params),
                         self.lib)

    def full(self, port: str, t: Any) -> Any:
        """`t` with the batch axis (a broadcast copy if it has none)."""
        if self.flags.get(port, False):
            return t
        s = tuple(t.shape)
        return self.lib.from_numpy(np.broadcast_to(np.asarray(t.detach().numpy()),
                                                   (self.b, *s)).copy())


def _shift(dim: int) -> int:
    """A dim of the unbatched value as a dim of the batched one (negative dims count
    from the end, which the batch axis in front does not move)."""
    return dim + 1 if dim >= 0 else dim


def _elementwise(c: _Ctx) -> Any:
    """Broadcasting ops: pad each batched input with size-1 axes after the batch axis so
    that its own axes line up with the unbatched ones, as broadcasting aligns them."""
    ranks = [len(c.shape(p)) for p in c.doc.inputs_of(c.nid)]
    r = max(ranks, default=0)
    args = dict(c.args)
    for p, on in c.flags.items():
        if on:
            s = c.shape(p)
            args[p] = args[p].reshape(c.b, *([1] * (r - len(s))), *s)
    return c.call(args)


def _reduction(c: _Ctx) -> Any:
    p = c.params
    x = c.args["x"]
    if p.get("dim") is None:
        return c.call({"x": x.reshape(c.b, -1)}, {**p, "dim": 1, "keepdim": False})
    return c.call({"x": x}, {**p, "dim": _shift(int(p["dim"]))})


def _dim_op(c: _Ctx) -> Any:
    p = c.params
    return c.call(c.args, {**p, "dim": _shift(int(p["dim"]))})


def _joined(c: _Ctx) -> Any:
    p = c.params
    xs = [c.full(f"xs.{i}", t) for i, t in enumerate(c.args["xs"])]
    return c.call({"xs": xs}, {**p, "dim": _shift(int(p["dim"]))})


def _index(c: _Ctx) -> Any:
    p = c.params
    if any(isinstance(part, tuple) for part in p["index"]):
        return None  # integer-array indices move axes: point by point
    return c.call(c.args, {**p, "index": (":", *p["index"])})


def _reshape(c: _Ctx) -> Any:
    p = c.params
    return c.call(c.args, {**p, "shape": (c.b, *p["shape"])})


def _transpose(c: _Ctx) -> Any:
    p = c.params
    return c.call(c.args, {**p, "dim0": _shift(int(p["dim0"])),
                           "dim1": _shift(int(p["dim1"]))})


def _dot(c: _Ctx) -> Any:
    a, b = c.args["a"], c.args["b"]
    if c.flags.get("a") and c.flags.get("b"):
        return c.lib.sum(a * b, dim=1)
    return c.lib.matmul(a, b) if c.flags.get("a") else c.lib.matmul(b, a)


def _matmul(c: _Ctx) -> Any:
    sa, sb = c.shape("a"), c.shape("b")
    if len(sa) > 2 or len(sb) > 2:
        return None
    if c.flags.get("b") and len(sb) < 2:
        if c.flags.get("a") or len(sa) != 2:
            return None
        # A @ v for a batch of vectors v (B, n): the rows of V @ Aᵀ
        return c.lib.matmul(c.args["b"], c.lib.transpose(c.args["a"], 0, 1))
    return c.call(c.args)


def _loss(c: _Ctx) -> Any:
    """mse-style losses: elementwise with reduction 'none', then reduced per point."""
    p = c.params
    s = np.broadcast_shapes(c.shape("input"), c.shape("target"))
    args = {k: c.full(k, v).expand(c.b, *s) if not c.flags.get(k)
            else v.reshape(c.b, *([1] * (len(s) - len(c.shape(k)))), *c.shape(k))
            .expand(c.b, *s) for k, v in c.args.items()}
    y = c.call(args, {**p, "reduction": "none"})
    if p["reduction"] == "none":
        return y
    y = y.reshape(c.b, -1)
    return c.lib.mean(y, dim=1) if p["reduction"] == "mean" else c.lib.sum(y, dim=1)


_ELEMENTWISE = ("add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sqrt", "abs",
                "sin", "cos", "tanh", "sigmoid", "relu", "maximum", "minimum", "where",
                "clamp", "softplus", "sign", "tan", "detach", "to_dtype", "output",
                "tanh_backward", "sigmoid_backward", "softplus_backward",
                "threshold_backward")

#: op name -> how to run it on batched inputs (None from a rule: point by point)
_RULES: dict[str, Callable[[_Ctx], Any]] = {
    **{op: _elementwise for op in _ELEMENTWISE},
    "sum": _reduction, "mean": _reduction,
    "softmax": _dim_op, "log_softmax": _dim_op,
    "stack": _joined, "cat": _joined,
    "index": _index, "reshape": _reshape, "transpose": _transpose,
    "dot": _dot, "matmul": _matmul, "mse_loss": _loss,
}

__all__ = ["LossGrid", "loss_grid"]
