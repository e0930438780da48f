"""Documents as JSON files: versioned, fully validated on load, written atomically.

A file is data only: nothing in it is ever executed (no eval, no pickle). Loading
builds a fresh Document through the same validated edits the app uses, so a malformed,
truncated or hostile file yields one `FileFormatError` that says where and what is
wrong (e.g. ``nodes[2].value: ragged value ...``) and never a half-built document.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

from core.graph.atomic import ReadOnlyFileError as ReadOnlyFileError  # for the app
from core.graph.atomic import write_atomic
from core.graph.document import Document, GraphError
from core.graph.values import (
    DTYPES,
    MAX_ELEMENTS,
    ValueParseError,
    count_elements,
    dtype_name,
    value_from_json,
    value_to_json,
)

FORMAT = "chainrule-graph"
#: 2 added "frames" (core/graph/frames.py); version 1 files (no frames) still load.
VERSION = 2
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_NODES = 1_000_000
#: Commas a file may hold (every number but the last in a list needs one): three values at
#: the element limit, with room for the structure. Counted in C before parsing, so a file
#: of 10^8 numbers is refused in a fraction of a second instead of parsed for 17 s / 1 GB.
MAX_COMMAS = 3 * MAX_ELEMENTS

_TOP_KEYS = {"format", "version", "meta", "nodes", "wires", "output", "output_gradient",
             "frames"}
_FRAME_KEYS = {"id", "title", "color", "nodes", "collapsed"}
_NODE_KEYS = {"id", "op", "name", "pos", "params", "value", "requires_grad"}
_WIRE_KEYS = {"src", "dst", "port"}


class FileFormatError(GraphError):
    """The file cannot be loaded; the message names the offending place."""


# ---------------------------------------------------------------------------- writing
def to_dict(doc: Document) -> dict[str, Any]:
    """The JSON-ready form of a document (also used by tests to compare documents)."""
    nodes = []
    for n in doc:
        entry: dict[str, Any] = {"id": n.id, "op": n.op, "name": n.name, "pos": list(n.pos)}
        if n.params:
            entry["params"] = {k: _param(v) for k, v in n.params.items()}
        if n.value is not None:
            entry["value"] = _value(n.value)
        if n.requires_grad:
            entry["requires_grad"] = True
        nodes.append(entry)
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "meta": doc.meta,
        "nodes": nodes,
        "wires": [{"src": w.src, "dst": w.dst, "port": w.port} for w in doc.wires],
        "output": doc.output,
    }
    if doc.output_gradient is not None:
        out["output_gradient"] = _value(doc.output_gradient)
    if doc.frames:
        out["frames"] = [{"id": f.id, "title": f.title, "color": f.color,
                          "nodes": list(f.members), "collapsed": f.collapsed}
                         for f in doc.frames.values()]
    return out


def _param(v: Any) -> Any:
    """A parameter for JSON: tuples as lists; a float nan/±inf (pow's exponent, norm's
    p = inf) as the string "nan"/"inf"/"-inf", which the parameter reads back as text."""
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def _value(arr: Any) -> dict[str, Any]:
    out = {"dtype": dtype_name(arr), "data": value_to_json(arr)}
    if arr.size == 0:  # [] alone would read back as shape (0,): a (0, 3) value needs this
        out["shape"] = list(arr.shape)
    return out


def dumps(doc: Document) -> str:
    """The document as JSON text (strict JSON: nan/inf are written as strings)."""
    try:
        return json.dumps(to_dict(doc), indent=1, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError) as e:  # meta set by a script: nan, a set, a huge int
        raise GraphError(f"cannot be saved: {e}") from None


def save(doc: Document, path: str | os.PathLike[str], *,
         overwrite_readonly: bool = False) -> None:
    """Write atomically (temp file, fsync, rename, fsync the folder), through a symlink to
    its target; a read-only file raises `ReadOnlyFileError` unless `overwrite_readonly`
    (the app asks first). See `core.graph.atomic`."""
    write_atomic(path, dumps(doc), overwrite_readonly=overwrite_readonly)


# ---------------------------------------------------------------------------- reading
def load(path: str | os.PathLike[str]) -> Document:
    """Read a document file; FileFormatError (or OSError) if it cannot be loaded."""
    raw = _read_bounded(Path(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FileFormatError(f"not a text file: invalid UTF-8 at byte {e.start}") from None
    return loads(text)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refusing what is not a regular file before opening it for read
    (a FIFO would block the open, /dev/zero never ends) and bounding what is read by the
    bytes actually read, not by st_size (which /proc files and devices misreport)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise FileFormatError(f"{path.name} is not a regular file (a folder, device or pipe "
                              "cannot hold a graph)")
    if st.st_size > MAX_FILE_BYTES:
        raise FileFormatError(f"file too large ({st.st_size} bytes; limit {MAX_FILE_BYTES})")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped after the check above
            raise FileFormatError(f"{path.name} is not a regular file")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise FileFormatError(f"file too large (more than {MAX_FILE_BYTES} bytes)")
    finally:
        os.close(fd)
    return b"".join(chunks)


def loads(text: str) -> Document:
    """Parse document JSON text (strict: no NaN/Infinity literals, no duplicate keys)."""
    if len(text) > MAX_COMMAS and text.count(",") > MAX_COMMAS:
        raise FileFormatError(f"too many numbers in one file (more than {MAX_COMMAS:,}; a "
                              f"value holds at most {MAX_ELEMENTS:,})")
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as e:
        raise FileFormatError(f"not valid JSON (line {e.lineno}, column {e.colno}): "
                              f"{e.msg}") from None
    except RecursionError:
        raise FileFormatError("not valid JSON: nested too deeply") from None
    except ValueError as e:  # an integer beyond Python's int/str digit limit
        raise FileFormatError(f"not valid JSON: {e}") from None
    return from_dict(data)


def _no_constant(name: str) -> Any:
    """NaN/Infinity are not JSON; a file with one (say in meta) could never be saved again."""
    raise FileFormatError(f"not valid JSON: {name} is not a JSON value (Chainrule writes "
                          'nan and inf as the strings "nan" and "inf")')


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Duplicate keys are accepted silently by json (the last wins): refuse them."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise FileFormatError(f"not valid JSON: the key {k!r:.60} appears twice "
                                      "in one object")
            seen.add(k)
    return out


def from_dict(data: Any) -> Document:
    """Build a Document from parsed JSON, validating every field."""
    try:
        return _build(data)
    except FileFormatError:
        raise
    except RecursionError:
        raise FileFormatError("file nested too deeply") from None


def _fail(where: str, msg: str) -> FileFormatError:
    return FileFormatError(f"{where}: {msg}" if where else msg)


def _keys(obj: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _fail(where, f"expected an object, got {_kind(obj)}")
    missing = required - obj.keys()
    if missing:
        raise _fail(where, f"missing {', '.join(repr(m) for m in sorted(missing))}")
    unknown = obj.keys() - allowed
    if unknown:
        raise _fail(where, f"unknown field {', '.join(repr(str(u)) for u in sorted(unknown))}")
    return obj


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            int: "a number", float: "a number", type(None): "null"}.get(type(v), type(v).__name__)


def _str(v: Any, where: str) -> str:
    if not isinstance(v, str) or not v:
        raise _fail(where, f"expected a non-empty string, got {_kind(v)}")
    _text_ok(v, where)
    return v


def _text_ok(v: str, where: str) -> None:
    """A lone surrogate (JSON "\\udc80") loads but can never be written as UTF-8: every
    later Save and autosave would fail, so it is refused here."""
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise _fail(where, "text with an invalid character (a lone surrogate)") from None


def _check_meta(meta: dict[str, Any]) -> None:
    """meta is free-form, but must be savable again: no lone surrogates, no nan/inf, no
    integers beyond what JSON text holds; nested at most 32 levels."""
    if _depth(meta) > 32:
        raise _fail("meta", "nested more than 32 levels deep")
    try:
        json.dumps(meta, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _fail("meta", "text with an invalid character (a lone surrogate)") from None
    except (ValueError, TypeError) as e:
        raise _fail("meta", f"cannot be saved again: {e}") from None


def _build(data: Any) -> Document:
    """A document from parsed JSON, each part validated in the file's order; the first
    problem is a GraphError naming where it is (``nodes[3].op``)."""
    top = _keys(data, "", _TOP_KEYS, {"format", "version", "nodes"})
    if top["format"] != FORMAT:
        raise _fail("format", f"not a Chainrule graph (expected {FORMAT!r}, "
                              f"got {top['format']!r:.60})")
    ver = _version(top["version"])
    doc = Document()
    meta = top.get("meta", {})
    if not isinstance(meta, dict):
        raise _fail("meta", f"expected an object, got {_kind(meta)}")
    _check_meta(meta)
    nodes = top["nodes"]
    if not isinstance(nodes, list):
        raise _fail("nodes", f"expected a list, got {_kind(nodes)}")
    if len(nodes) > MAX_NODES:
        raise _fail("nodes", f"too many nodes ({len(nodes)}; limit {MAX_NODES})")
    for i, entry in enumerate(nodes):
        _add_node(doc, entry, f"nodes[{i}]")
    _add_wires(doc, top.get("wires", []))
    _set_output(doc, top.get("output"), top.get("output_gradient"))
    if "frames" in top:
        if ver < 2:
            raise _fail("frames", f"frames need format version 2 (this file says {ver})")
        _add_frames(doc, top["frames"])
    doc.meta = meta
    return doc


def _version(ver: Any) -> int:
    """The file's format version, one this build reads."""
    if isinstance(ver, bool) or not isinstance(ver, int):
        raise _fail("version", f"expected an integer, got {_kind(ver)}")
    if ver > VERSION:
        raise _fail("version", f"made by a newer Chainrule (format version {ver}; "
                               f"this one reads up to {VERSION})")
    if ver < 1:
        raise _fail("version", f"invalid format version {ver}")
    return ver


def _add_wires(doc: Document, wires: Any) -> None:
    """Every wire between existing nodes and ports, then one check that there is no cycle."""
    if not isinstance(wires, list):
        raise _fail("wires", f"expected a list, got {_kind(wires)}")
    for i, w in enumerate(wires):
        where = f"wires[{i}]"
        w = _keys(w, where, _WIRE_KEYS, _WIRE_KEYS)
        src = _str(w["src"], f"{where}.src")
        dst = _str(w["dst"], f"{where}.dst")
        port = _str(w["port"], f"{where}.port")
        try:  # cycles: one linear check below, not a path search per wire (quadratic)
            doc.connect(src, dst, port, check_cycle=False)
        except GraphError as e:
            raise _fail(where, str(e)) from None
    try:
        doc.check_acyclic()
    except GraphError as e:
        raise _fail("wires", str(e)) from None


def _set_output(doc: Document, out: Any, grad: Any) -> None:
    """The chosen output (an existing node) and its gradient argument (only with one)."""
    if out is not None:
        _str(out, "output")
        if out not in doc:
            raise _fail("output", f"no node with id {out!r}")
    gval = None
    if grad is not None:
        gval = _read_value(grad, "output_gradient")
        if out is None:
            raise _fail("output_gradient", "a gradient argument needs a chosen output")
    try:
        doc.set_output(out, gval)
    except GraphError as e:  # pragma: no cover - validated above
        raise _fail("output", str(e)) from None


def _add_frames(doc: Document, frames: Any) -> None:
    """Frames, validated like everything else: known fields, existing member nodes, each
    node in at most one frame, a known colour, a one-line title."""
    if not isinstance(frames, list):
        raise _fail("frames", f"expected a list, got {_kind(frames)}")
    if len(frames) > MAX_NODES:
        raise _fail("frames", f"too many frames ({len(frames)}; limit {MAX_NODES})")
    for i, entry in enumerate(frames):
        where = f"frames[{i}]"
        f = _keys(entry, where, _FRAME_KEYS, {"id", "nodes"})
        fid = _str(f["id"], f"{where}.id")
        members = f["nodes"]
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise _fail(f"{where}.nodes", "expected a list of node ids")
        if len(set(members)) != len(members):
            raise _fail(f"{where}.nodes", "a node is listed twice")
        collapsed = f.get("collapsed", False)
        if not isinstance(collapsed, bool):
            raise _fail(f"{where}.collapsed", f"expected true/false, got {_kind(collapsed)}")
        try:
            frame = doc.prepare_frame(fid, f.get("title", "frame"), f.get("color", "blue"),
                                      members, collapsed)
            doc.insert_frame(frame)
        except GraphError as e:
            raise _fail(where, str(e)) from None


def _depth(v: Any) -> int:
    """Nesting depth of JSON data, iteratively (a hostile file must not recurse us)."""
    deepest = 0
    stack = [(v, 1)]
    while stack:
        x, d = stack.pop()
        deepest = max(deepest, d)
        if d > 64:
            break
        if isinstance(x, dict):
            stack.extend((e, d + 1) for e in x.values())
        elif isinstance(x, list):
            stack.extend((e, d + 1) for e in x)
    return deepest


def _read_value(v: Any, where: str) -> Any:
    v = _keys(v, where, {"dtype", "data", "shape"}, {"dtype", "data"})
    dt = v["dtype"]
    if not isinstance(dt, str) or dt not in DTYPES:  # a list or dict can't even be looked up
        raise _fail(f"{where}.dtype", f"unknown dtype {dt!r:.40}; use one of "
                                      f"{', '.join(DTYPES)}")
    try:
        count_elements(v["data"], MAX_ELEMENTS)  # before anything is built from it
        if "shape" in v:
            return _empty(v["data"], v["shape"], dt, where)
        return value_from_json(v["data"], dt)
    except ValueParseError as e:
        raise _fail(where, str(e)) from None


def _empty(data: Any, shape: Any, dt: str, where: str) -> Any:
    """An empty value with its shape ("shape" is written only for those)."""
    if (not isinstance(shape, list) or len(shape) > 32 or not all(
            isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= MAX_ELEMENTS
            for s in shape) or 0 not in shape):
        raise _fail(f"{where}.shape", "expected the shape of an empty value: a list of "
                                      "sizes, one of them 0")
    if count_elements(data, MAX_ELEMENTS) != 0:
        raise _fail(where, "a value with a shape must be empty")
    arr = np.zeros(shape, dtype=DTYPES[dt])
    arr.flags.writeable = False
    return arr


def _add_node(doc: Document, entry: Any, where: str) -> None:
    e = _keys(entry, where, _NODE_KEYS, {"id", "op"})
    nid = _str(e["id"], f"{where}.id")
    op = _str(e["op"], f"{where}.op")
    name = e.get("name")
    if name is not None and not isinstance(name, str):
        raise _fail(f"{where}.name", f"expected a string, got {_kind(name)}")
    pos = e.get("pos", [0, 0])
    if (not isinstance(pos, list) or len(pos) != 2
            or not all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in pos)):
        raise _fail(f"{where}.pos", "expected two numbers [x, y]")
    params = e.get("params", {})
    if not isinstance(params, dict):
        raise _fail(f"{where}.params", f"expected an object, got {_kind(params)}")
    value = None
    dtype = None
    if "value" in e:
        value = _read_value(e["value"], f"{where}.value")
        dtype = dtype_name(value)
    rg = e.get("requires_grad", False)
    if not isinstance(rg, bool):
        raise _fail(f"{where}.requires_grad", f"expected true/false, got {_kind(rg)}")
    try:
        doc.add_node(op, name=name, pos=(pos[0], pos[1]), params=params, value=value,
                     dtype=dtype, requires_grad=rg, node_id=nid)
    except GraphError as err:
        raise _fail(where, str(err)) from None
