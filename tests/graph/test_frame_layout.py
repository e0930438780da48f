"""Layout knows frames: members stay together, no outside node in a frame's rectangle."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from core.graph import Document
from core.graph.commands import make_command
from core.graph.frame_layout import frame_rect, keep_frames_apart, rects_meet
from core.graph.layout import NODE_SIZE, layered_layout
from core.graph.parser import parse
from core.graph.serialize import load


def _intruders(doc: Document, pos):  # type: ignore[no-untyped-def]
    """(frame title, node name) for every node box meeting a frame it is not in, and
    (title, title) for every pair of frames whose rectangles meet."""
    sizes = dict.fromkeys(pos, NODE_SIZE)
    rects = {f.id: frame_rect(pos, sizes, f.members) for f in doc.frames.values()}
    bad = []
    for f in doc.frames.values():
        for n in doc:
            if n.id in f.members:
                continue
            box = (pos[n.id][0], pos[n.id][1], pos[n.id][0] + NODE_SIZE[0],
                   pos[n.id][1] + NODE_SIZE[1])
            if rects_meet(rects[f.id], box):
                bad.append((f.title, n.name))
        for g in doc.frames.values():
            if g.id < f.id and rects_meet(rects[f.id], rects[g.id]):
                bad.append((f.title, g.title))
    return bad


def test_neuron_b_sits_outside_the_frame():
    doc = load("resources/examples/11_neuron.json")
    pos = layered_layout(doc)
    assert _intruders(doc, pos) == []
    # the same layout without the frame puts b inside the neuron's rectangle (the bug)
    from core.graph.layout import layout
    from core.graph.layout_boxes import document_boxes

    assert _intruders(doc, layout(doc.graph, document_boxes(doc))) != []


def test_layout_keeps_layers_and_wire_direction():
    doc = load("resources/examples/11_neuron.json")
    pos = layered_layout(doc)
    for w in doc.wires:
        assert pos[w.src][0] < pos[w.dst][0]
    xs_before = {n.id: layered_layout(doc)[n.id][0] for n in doc}
    assert {n: p[0] for n, p in pos.items()} == xs_before


def test_outside_node_between_members_is_moved_out():
    doc = parse("y = tanh(w*x + b)")
    ids = {n.name: n.id for n in doc}
    members = [ids["w"], ids["b"]]  # two inputs, with x between them on the page
    pos = {ids["w"]: (0.0, 0.0), ids["x"]: (0.0, 90.0), ids["b"]: (0.0, 180.0)}
    sizes = dict.fromkeys(pos, NODE_SIZE)
    out = keep_frames_apart(pos, sizes, [members], gap=30.0)
    rect = frame_rect(out, sizes, members)
    xb = (0.0, out[ids["x"]][1], NODE_SIZE[0], out[ids["x"]][1] + NODE_SIZE[1])
    assert rect is not None and not rects_meet(rect, xb)
    assert out[ids["b"]][1] - out[ids["w"]][1] == 180.0  # members keep their places


@st.composite
def framed_documents(draw):  # type: ignore[no-untyped-def]
    """A random DAG of add/neg nodes with a few disjoint frames over random nodes."""
    seed = draw(st.integers(0, 10**6))
    n_inputs = draw(st.integers(1, 4))
    n_ops = draw(st.integers(1, 9))
    rng = random.Random(seed)
    doc = Document()
    ids = [doc.add_node("variable", name=f"v{i}") for i in range(n_inputs)]
    for k in range(n_ops):
        if rng.random() < 0.5:
            n = doc.add_node("neg", name=f"n{k}")
            doc.connect(rng.choice(ids), n, "x")
        else:
            n = doc.add_node("add", name=f"a{k}")
            doc.connect(rng.choice(ids), n, "a")
            doc.connect(rng.choice(ids), n, "b")
        ids.append(n)
    pool = list(ids)
    rng.shuffle(pool)
    for k in range(draw(st.integers(1, 3))):
        size = rng.randint(1, 4)
        members, pool = pool[:size], pool[size:]
        if members:
            make_command(doc, "group", members, title=f"F{k}").redo()
    return doc


@settings(max_examples=120, deadline=None)
@given(framed_documents())
def test_random_framed_documents_have_no_intruders(doc):  # type: ignore[no-untyped-def]
    pos = layered_layout(doc)
    assert _intruders(doc, pos) == []
    for w in doc.wires:
        assert pos[w.src][0] < pos[w.dst][0]
