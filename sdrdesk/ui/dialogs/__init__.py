"""Dialogs. Opened non-modally with show(); tests drive them directly."""
