"""Chainrule desktop app: draws and edits the graph document; every number comes from `core`."""
