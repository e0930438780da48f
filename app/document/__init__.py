"""The document room: the controller and its undo commands, files, clipboard, export and the
evaluation session — the app's side of core's graph document, with no widgets of its own."""
