"""Textual screens. They call Workspace methods and hold no business rules."""
