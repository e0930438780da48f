"""The panels room: the docks and dialogs around the canvas (palette, inspector, train,
script, matrices...)."""
