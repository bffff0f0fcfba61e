"""Keep PySide6 from caching the source lines of every module imported after it.

PySide6's `__feature__` support asks, of each module imported once PySide6 is loaded, whether
its source mentions "PySide6" (such modules may switch features such as snake_case). It asks
with `inspect.getsource`, which leaves every line of the file in `linecache`: on a source
install, SQLAlchemy and the service layer are 10 MB of small strings. Dropping them later does
not give the memory back: they were read in between the modules' own objects, and the holes
they leave keep about 25 MB of the interpreter's arenas resident for the whole session
(measured with `build_scripts/bench`, idle_memory_50k_mb: 252 -> 227 MB).

The check is replaced by one that gives the same answer from the file's bytes, cached nowhere.
The frozen app has no source files, so there the answer was already "no" for every module.
Nothing here is needed for PySide6 to work: if its internals change, this does nothing.
"""

from __future__ import annotations

import importlib
import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

# Where PySide6 6.7-6.10 keep the check (the module is part of shiboken6's bootstrap).
_FEATURE_MODULES = ("shibokensupport.feature", "PySide6.support.feature")
_CHECK = "_mod_uses_pyside"


def module_mentions_pyside(module: ModuleType) -> bool:
    """Whether the source file of `module` contains "PySide6" (False when it has none)."""
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False  # built in, an extension, or frozen without sources
    try:
        with open(origin, "rb") as handle:
            return b"PySide6" in handle.read()
    except OSError:
        return False


def stop_caching_sources() -> bool:
    """Replace PySide6's check; True if it was found (call after importing PySide6)."""
    import PySide6  # noqa: F401  (loads shiboken6, which installs the check)

    replaced = False
    for name in _FEATURE_MODULES:
        try:
            feature = sys.modules.get(name) or importlib.import_module(name)
        except ImportError:
            continue
        if callable(getattr(feature, _CHECK, None)):
            setattr(feature, _CHECK, module_mentions_pyside)
            replaced = True
    if not replaced:
        log.debug("PySide6 has no %s: nothing to replace", _CHECK)
    return replaced
