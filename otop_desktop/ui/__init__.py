"""The PySide6 windows: the only package that imports Qt.

Pages call the services through the one background runner (`tasks.TaskRunner`) and show the
plain dataclasses those return; every string shown goes through `_()`.
"""
