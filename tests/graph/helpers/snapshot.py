"""A document snapshot for comparing documents before and after edits and undo."""

from core.graph.serialize import to_dict


def snapshot(doc):
    """The document's content, independent of node and wire order (undo may reorder)."""
    d = to_dict(doc)
    d["nodes"] = sorted(d["nodes"], key=lambda n: n["id"])
    d["wires"] = sorted(d["wires"], key=lambda w: (w["dst"], w["port"]))
    return d
