"""The canvas items: nodes, ports, wires and frames, drawn from what the document says."""
