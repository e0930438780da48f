"""Exports never lie or break on careless input (issue 14): odd names, nan/inf parameters,
odd titles, names shadowing builtins, huge slice bounds, empty values. Every script is
run under PyTorch and under the engine and compared with the document, node by node."""

from __future__ import annotations

import ast
import builtins
import keyword

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.graph import Document, GraphError
from core.graph.export import to_core, to_pytorch

from .helpers.exported_scripts import assert_export_matches_document

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _square_doc(name: str) -> Document:
    doc = Document()
    x = doc.add_node("variable", name=name, value=[1.0, -2.0], requires_grad=True)
    y = doc.add_node("pow", name="y")
    doc.connect(x, y, "base")
    s = doc.add_node("sum", name="s")
    doc.connect(y, s, "x")
    doc.set_output(s)
    return doc


@pytest.mark.parametrize("name", ["ℌ", "ｔorch", "ｐrint", "ﬁ", "Ｘ"])
def test_names_that_python_reads_differently_are_refused(name: str) -> None:
    doc = Document()
    doc.add_node("variable", name="H")
    with pytest.raises(GraphError, match="reads as"):
        doc.add_node("variable", name=name)
    n = doc.add_node("variable", name="z")
    with pytest.raises(GraphError, match="reads as"):
        doc.rename(n, name)


#: characters Python folds into others when it reads an identifier (NFKC), mixed with
#: plain ones, so the fuzz meets ℌ/H, ｔorch/torch, ﬁ/fi, ²/2 and friends often
_FOLDED = "ℌℍℎＡＺａｚｔｐ０９ﬁﬂ²³ⅰⅸ𝐀𝒙ᵃªº"
_NAMES = st.text(alphabet=st.sampled_from(_FOLDED + "Hhtorchpintfx_029") | st.characters(),
                 min_size=1, max_size=12)


@FUZZ
@given(_NAMES)
def test_fuzz_an_accepted_name_means_itself_in_a_script(name: str) -> None:
    """Whatever name the document accepts is one Python identifier that reads back as
    exactly that name and can be assigned in a script."""
    doc = Document()
    try:
        doc.check_name(name)
    except GraphError:
        return
    assert name.isidentifier() and not keyword.iskeyword(name)
    tree = ast.parse(f"{name} = 1")
    assert tree.body[0].targets[0].id == name
    compile(tree, "x", "exec")


def test_nonfinite_parameters_run_in_both_scripts(tmp_path) -> None:
    doc = Document()
    x = doc.add_node("variable", name="x", value=[0.5, -2.0, 3.0], requires_grad=True)
    nrm = doc.add_node("norm", name="n_inf", params={"p": float("inf")})
    doc.connect(x, nrm, "x")
    nmin = doc.add_node("norm", name="n_minf", params={"p": float("-inf")})
    doc.connect(x, nmin, "x")
    p = doc.add_node("pow", name="p", params={"exponent": float("nan")})
    doc.connect(x, p, "base")
    c = doc.add_node("clamp", name="c", params={"min": float("-inf"), "max": float("inf")})
    doc.connect(x, c, "x")
    sp = doc.add_node("softplus", name="sp", params={"threshold": float("inf")})
    doc.connect(x, sp, "x")
    a = doc.add_node("add", name="a")
    doc.connect(nrm, a, "a")
    doc.connect(nmin, a, "b")
    doc.set_output(a)
    for src in (to_pytorch(doc), to_core(doc)):
        assert "float('inf')" in src and "float('-inf')" in src and "float('nan')" in src
    assert_export_matches_document(doc, tmp_path)


@pytest.mark.parametrize("title", ["a \\x title", "\\N{oops}", "\\u12", "nul\x00here",
                                   "lone \udc80 surrogate", 'quotes """ and "', "end\\",
                                   "line\r\nbreak \x1b[31m"])
def test_any_title_makes_a_valid_script(title: str) -> None:
    doc = _square_doc("x")
    doc.meta["title"] = title
    for src in (to_pytorch(doc), to_core(doc)):
        tree = ast.parse(src)
        src.encode("utf-8")  # savable
        doc_text = ast.get_docstring(tree, clean=False)
        assert doc_text is not None and doc_text.startswith(title.replace('"""', "'''"))


@FUZZ
@given(st.text(max_size=30))
def test_fuzz_titles_never_break_the_script(title: str) -> None:
    doc = Document()
    doc.meta["title"] = title
    for src in (to_pytorch(doc), to_core(doc)):
        tree = ast.parse(src)
        src.encode("utf-8")
        assert ast.get_docstring(tree, clean=False).startswith(title.replace('"""', "'''"))


_SCRIPT_BUILTINS = ["slice", "Ellipsis", "tuple", "any", "all", "isinstance", "int", "list"]


@pytest.mark.parametrize("name", _SCRIPT_BUILTINS)
def test_builtin_names_cannot_break_indexing_scripts(name: str, tmp_path) -> None:
    """A node named like a builtin the scripts' helpers use is refused (slice) or cannot
    reach the helpers; index, unindex and index_put scripts still compute the same."""
    doc = Document()
    try:
        b = doc.add_node("variable", name=name, value=[[1.0, 2.0], [3.0, 4.0]],
                         requires_grad=True)
    except GraphError as e:
        assert name in ("slice",) and "reserved" in str(e)
        return
    i = doc.add_node("index", name="i", params={"index": (0, ":", "...")})
    doc.connect(b, i, "x")
    u = doc.add_node("unindex", name="u", params={"index": ((1,), ":"), "shape": (2, 2)})
    doc.connect(i, u, "x")
    ip = doc.add_node("index_put", name="ip", params={"index": ("...", 1)})
    doc.connect(u, ip, "x")
    v = doc.add_node("constant", name="v", value=[5.0, 6.0])
    doc.connect(v, ip, "value")
    s = doc.add_node("sum", name="s")
    doc.connect(ip, s, "x")
    m = doc.add_node("mul", name="m")
    doc.connect(s, m, "a")
    doc.connect(b, m, "b")
    t = doc.add_node("sum", name="t")
    doc.connect(m, t, "x")
    doc.set_output(t)
    assert_export_matches_document(doc, tmp_path)


def test_reserved_builtins_cover_what_scripts_write() -> None:
    """Every bare name an exported script uses outside its helpers is reserved."""
    from core.graph.document import RESERVED_NAMES

    doc = _square_doc("x")
    i = doc.add_node("index", name="i", params={"index": ("1:", "...", "None")})
    doc.connect(doc.by_name("x").id, i, "x")
    u = doc.add_node("unindex", name="u", params={"index": ("1:",), "shape": (2,)})
    doc.connect(doc.by_name("x").id, u, "x")
    for src in (to_pytorch(doc), to_core(doc)):
        tree = ast.parse(src)
        body = [st for st in tree.body if not isinstance(st, ast.FunctionDef)]
        used = {n.id for st in body for n in ast.walk(st) if isinstance(n, ast.Name)}
        assigned = {n.name for n in doc}
        outside = used - assigned
        assert outside <= RESERVED_NAMES, outside - RESERVED_NAMES
        assert all(hasattr(builtins, n) or n in RESERVED_NAMES for n in outside)


@pytest.mark.parametrize("bound", ["1" + "0" * 3000, "9" * 30, "-" + "9" * 19])
def test_huge_slice_bound_is_one_clear_answer(bound: str) -> None:
    """Refused as the parameter is set: no node error in one place, a raw ValueError from
    to_core and an uncompilable script from to_pytorch in others."""
    doc = _square_doc("x")
    i = doc.add_node("index", name="i")
    with pytest.raises(GraphError, match="index"):
        doc.set_param(i, "index", f"{bound}:")
    with pytest.raises(GraphError, match="index"):
        doc.set_param(i, "index", (f"0:{bound}",))
    with pytest.raises(GraphError, match="int64|index"):
        doc.set_param(i, "index", (int(bound),))


def test_empty_values_keep_their_shape_in_scripts(tmp_path) -> None:
    doc = Document()
    import numpy as np

    x = doc.add_node("variable", name="x", value=np.zeros((0, 3), np.float32),
                     requires_grad=True)
    s = doc.add_node("sum", name="s", params={"dim": 0})
    doc.connect(x, s, "x")
    doc.set_output(s, np.ones(3, np.float32))
    assert "torch.tensor([]" not in to_pytorch(doc)
    assert_export_matches_document(doc, tmp_path)


def test_any_title_makes_a_valid_training_script() -> None:
    from core.graph.train import Trainer

    doc = _square_doc("x")
    doc.meta["title"] = "a \\N{x} nul\x00 \udc80"
    src = Trainer(doc).script(3)
    ast.parse(src)
    src.encode("utf-8")
