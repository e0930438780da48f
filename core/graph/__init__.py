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
    History,
    Macro,
    Move,
    RemoveNodes,
    Rename,
    SetOutput,
    SetParam,
    SetRequiresGrad,
    SetValue,
)
from core.graph.document import RESERVED_NAMES, Change, Document, GraphError, Node, Wire
from core.graph.values import DTYPES, parse_value, value_to_text

__all__ = [
    "CATEGORIES", "COMMANDS", "DTYPES", "FUNCTIONS", "OPS", "RESERVED_NAMES",
    "AddNode", "Change", "Command", "Connect", "Disconnect", "Document", "GraphError",
    "History", "Macro", "Move", "Node", "OpSpec", "Param", "Port", "RemoveNodes", "Rename",
    "SetOutput", "SetParam", "SetRequiresGrad", "SetValue", "Wire",
    "ops_in", "parse_value", "spec", "value_to_text",
]
