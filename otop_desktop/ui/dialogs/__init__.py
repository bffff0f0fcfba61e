"""Dialogs opened from the pages."""
