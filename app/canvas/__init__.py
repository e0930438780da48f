"""The canvas: a QGraphicsScene of node, port and wire items, and the view that shows it.

Items only draw and report gestures; the scene turns gestures into requests (signals) that the
window's controller applies to the document, so the same undo path serves mouse and keyboard.
"""
