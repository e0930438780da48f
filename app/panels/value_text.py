"""The inspector's value text for arrays nested lists cannot spell: empty ones.

`[]` is the only list text of an empty value, and it reads back as shape (0,): a (0, 3)
value (a batch of no rows) shown as `[]` lost its shape the moment the field was
committed. Files and exports keep the shape; so does this text, `empty (0, 3)`. It is read
with a regular expression, never evaluated, and only for shapes with a 0 in them (an
`empty (2, 3)` would have to invent six numbers)."""

from __future__ import annotations

import re

import numpy as np

from core.graph import GraphError, value_to_text

_EMPTY = re.compile(r"\s*empty\s*\(\s*(\d+(?:\s*,\s*\d+)*)\s*,?\s*\)\s*")
#: at most this many dimensions are read (as the document's values nest)
MAX_DIMS = 32


def editor_text(arr: np.ndarray) -> str:
    """The value as the editor shows it: list text, or `empty (0, 3)` for an empty value
    whose shape `[]` would lose."""
    if arr.size == 0 and arr.shape != (0,):
        return f"empty ({', '.join(str(d) for d in arr.shape)})"
    return value_to_text(arr)


def read_editor_text(text: str, dtype: np.dtype) -> str | np.ndarray:
    """What typed text means: an empty array for `empty (0, 3)` (in `dtype`), otherwise the
    text itself, for the document's parser. Raises GraphError for an `empty (...)` shape
    that is not empty."""
    m = _EMPTY.fullmatch(text)
    if m is None:
        return text
    shape = tuple(int(d) for d in m.group(1).split(","))
    if len(shape) > MAX_DIMS:
        raise GraphError(f"empty (…) takes at most {MAX_DIMS} dimensions")
    if 0 not in shape:
        n = int(np.prod(shape))
        raise GraphError(f"a value of shape {shape} has {n} elements, so it is not empty: "
                         "type its numbers as a list")
    return np.zeros(shape, dtype=dtype)


__all__ = ["editor_text", "read_editor_text"]
