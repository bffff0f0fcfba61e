"""OTOP Field Desk: offline-first desk for One Town, One Product workshops."""

from otop_desktop.version import __version__

__all__ = ["__version__"]
