"""A page's background load, asked again when its data changes; only the newest answer shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from otop_desktop.ui.tasks import TaskRunner


class LatestLoad(QObject):
    """Runs `load(*args)` through the runner on `reload()` and whenever the runner reports a
    change to one of `topics`; `on_loaded` gets the result of the newest run only, so an
    answer overtaken by a later reload is dropped. Owned by (and ends with) `parent`."""

    def __init__(
        self,
        parent: QObject,
        runner: TaskRunner,
        topics: tuple[str, ...],
        load: Callable[..., Any],
        *args: Any,
        on_loaded: Callable[[Any], None],
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._topics = topics
        self._load = load
        self._args = args
        self._on_loaded = on_loaded
        self._generation = 0
        runner.changed.connect(self._on_changed)

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self._runner.run(
            self._load, *self._args, on_done=lambda rows: self._loaded(generation, rows)
        )

    def _on_changed(self, what: str) -> None:
        if what in self._topics:
            self.reload()

    def _loaded(self, generation: int, rows: Any) -> None:
        if generation == self._generation:
            self._on_loaded(rows)
