"""The graph document: build, check, evaluate, explain and save computational graphs.

Pure Python + numpy + networkx (never Qt). The app draws and edits a `Document`;
everything else (catalog, commands, parser, layout, files, export, evaluation) is here.
Evaluation needs the engine (`core`); it is imported lazily so the document, the
catalog and the commands work without it.
"""

from core.graph.catalog import CATEGORIES, FUNCTIONS, OPS, OpSpec, Param, Port, ops_in, spec
from core.graph.commands import (
    COMMANDS,
    AddNode,
    Command,
    Connect,
    Disconnect,
    Group,
    History,
    Macro,
    Move,
    RemoveNodes,
    Rename,
    SetFrame,
    SetOutput,
    SetParam,
    SetRequiresGrad,
    SetValue,
    Ungroup,
)
from core.graph.document import RESERVED_NAMES, Change, Document, GraphError, Node, Wire
from core.graph.frames import FRAME_COLORS, Frame
from core.graph.splice import Dissolve, InsertIntoWire  # registers the splicing commands
from core.graph.values import DTYPES, parse_value, value_to_text

_LAZY = {
    "Evaluator": "core.graph.evaluate",
    "BackwardResult": "core.graph.evaluate",
    "ReplayStep": "core.graph.evaluate",
    "parse": "core.graph.parser",
    "ParseError": "core.graph.parser",
    "load": "core.graph.serialize",
    "loads": "core.graph.serialize",
    "save": "core.graph.serialize",
    "dumps": "core.graph.serialize",
    "FileFormatError": "core.graph.serialize",
    "to_pytorch": "core.graph.export",
    "to_core": "core.graph.export",
    "layered_layout": "core.graph.layout",
    "Trainer": "core.graph.train",
    "run_script": "core.graph.script",
    "ScriptRun": "core.graph.script",
    "ScriptError": "core.graph.script_limits",
    "Limits": "core.graph.script_limits",
}


def __getattr__(name: str) -> object:
    """Evaluation, parsing, files, export and layout load on first use (the evaluator
    brings in the engine; the document and catalog alone do not need it)."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'core.graph' has no attribute {name!r}")


__all__ = [
    "CATEGORIES", "COMMANDS", "DTYPES", "FRAME_COLORS", "FUNCTIONS", "OPS", "RESERVED_NAMES",
    "AddNode", "Change", "Command", "Connect", "Disconnect", "Dissolve", "Document", "Frame",
    "GraphError", "InsertIntoWire",
    "Group", "History", "Macro", "Move", "Node", "OpSpec", "Param", "Port", "RemoveNodes",
    "Rename", "SetFrame", "SetOutput", "SetParam", "SetRequiresGrad", "SetValue", "Ungroup",
    "Wire",
    "ops_in", "parse_value", "spec", "value_to_text",
]
