"""A float parameter may be nan or ±inf (norm's p = inf is the max norm; typing "nan" as
pow's exponent is accepted): such a document must still save and load (found by the app's
monkey test: Copy, Duplicate and Save raised "Out of range float values are not JSON
compliant")."""

import math

from core.graph import Document
from core.graph.serialize import dumps, loads


def test_nonfinite_float_params_round_trip():
    d = Document()
    x = d.add_node("variable", name="x", value=[1.0, -2.0])
    p = d.add_node("pow", params={"exponent": "nan"})
    n = d.add_node("norm", params={"p": "inf"})
    c = d.add_node("clamp", params={"min": "-inf", "max": 3})
    for dst, port in ((p, "base"), (n, "x"), (c, "x")):
        d.connect(x, dst, port)
    text = dumps(d)
    back = loads(text)
    assert math.isnan(back.node(p).params["exponent"])
    assert back.node(n).params["p"] == math.inf
    assert back.node(c).params["min"] == -math.inf and back.node(c).params["max"] == 3.0
    assert dumps(back) == text
