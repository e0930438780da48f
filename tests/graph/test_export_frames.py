"""Exported scripts show frames: a commented block around each frame's lines where the order
allows, a comment naming the members where it does not; the numbers printed never change."""

import pytest
from hypothesis import given, settings

from core.graph.commands import make_command
from core.graph.export import to_core, to_pytorch
from core.graph.export_frames import framed_order
from core.graph.parser import parse
from core.graph.serialize import dumps, load, loads

from .test_export import ROOT, _run
from .test_frame_layout import framed_documents

NEURON = ROOT / "resources" / "examples" / "11_neuron.json"


def _unframed(doc):  # type: ignore[no-untyped-def]
    d = loads(dumps(doc))
    for fid in list(d.frames):
        make_command(d, "ungroup", fid).redo()
    assert not d.frames
    return d


def test_neuron_frame_is_a_commented_block_around_its_lines(tmp_path):
    doc = load(NEURON)
    src = to_core(doc)
    lines = src.splitlines()
    start = lines.index('# ── frame "neuron": mul, add, y ──')
    assert lines[start + 1:start + 5] == ["mul = w * x", "add = mul + b", "y = torch.tanh(add)",
                                          '# ── end of frame "neuron" ──']
    assert _run(src, tmp_path, "c.py") == _run(to_core(_unframed(doc)), tmp_path, "c0.py")


def test_members_apart_in_document_order_are_written_together(tmp_path):
    doc = parse("p = x*2\nq = z*3\nr = p + 1\ns = q + 1\nt = r + s")
    ids = {n.name: n.id for n in doc}
    order = doc.topo_order()
    make_command(doc, "group", [ids["p"], ids["r"]], title="left").redo()
    assert order.index(ids["r"]) - order.index(ids["p"]) > 1  # apart before grouping
    lines = to_pytorch(doc).splitlines()
    start = lines.index('# ── frame "left": p, r ──')
    assert lines[start + 1].startswith("p = ") and lines[start + 2].startswith("r = ")
    assert lines[start + 3] == '# ── end of frame "left" ──'
    pytest.importorskip("torch")
    t = _run(to_pytorch(doc), tmp_path, "t.py")
    assert t == _run(to_core(doc), tmp_path, "c.py")
    assert t == _run(to_core(_unframed(doc)), tmp_path, "c0.py")


def test_a_frame_that_cannot_be_one_block_is_named_in_a_comment(tmp_path):
    doc = load(NEURON)
    (fid,) = doc.frames
    ids = {n.name: n.id for n in doc}
    make_command(doc, "ungroup", fid).redo()
    make_command(doc, "group", [ids["mul"], ids["y"]], title="ends").redo()  # add runs between
    src = to_core(doc)
    assert '# ── frame "ends": mul, y (spread out' in src
    assert "end of frame" not in src
    assert _run(src, tmp_path, "c.py") == _run(to_core(_unframed(doc)), tmp_path, "c0.py")


@settings(max_examples=150, deadline=None)
@given(framed_documents())
def test_framed_order_is_topological_and_blocks_are_contiguous(doc):  # type: ignore[no-untyped-def]
    order = doc.topo_order()
    entries = framed_order(doc, order)
    nodes = [n for n, _c in entries if n is not None]
    assert sorted(nodes) == sorted(order)
    at = {n: i for i, n in enumerate(nodes)}
    for w in doc.wires:
        assert at[w.src] < at[w.dst]
    comments = [c for n, c in entries if n is None]
    for f in doc.frames.values():
        head = [c for c in comments if c.startswith(f'# ── frame "{f.title}"')]
        assert len(head) == 1  # every frame is named exactly once
        if "spread out" not in head[0]:
            pos = sorted(at[m] for m in f.members)
            assert pos == list(range(pos[0], pos[0] + len(pos)))
