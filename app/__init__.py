"""Chainrule desktop app: draws and edits the graph document; every number comes from `core`."""

from app.application._none_refcount import pin_none as _pin_none

_pin_none()  # before any Qt call: see app/application/_none_refcount.py
