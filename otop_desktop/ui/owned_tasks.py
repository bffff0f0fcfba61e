"""Work a dialog started on the runner, whose answers are dropped once the dialog is closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from otop_desktop.ui.tasks import TaskRunner


class OwnedTasks:
    """Runs work for `owner`; after `close()` answers are dropped, and once the last one is in
    the owner may be deleted (the runner's progress dialog can be the owner's child, so
    deleting the owner earlier would delete that dialog under the runner's feet)."""

    def __init__(self, owner: QWidget, runner: TaskRunner) -> None:
        self._owner = owner
        self._runner = runner
        self._pending: set[int] = set()
        self.closed = False
        self.delete_owner_when_done = False

    @property
    def pending(self) -> bool:
        """Whether some answer has not come back yet."""
        return bool(self._pending)

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        **options: Any,
    ) -> int:
        """`runner.run(fn, ...)`; errors without `on_error` go to the runner's message box."""
        task_box: list[int] = []

        def done(result: Any) -> None:
            self._pending.discard(task_box[0])
            if not self.closed:
                on_done(result)
            self._delete_if_idle()

        def failed(exc: BaseException) -> None:
            self._pending.discard(task_box[0])
            if not self.closed:
                (on_error or self._runner.show_error)(exc)
            self._delete_if_idle()

        task = self._runner.run(fn, on_done=done, on_error=failed, **options)
        task_box.append(task)
        self._pending.add(task)
        return task

    def cancel(self, task: int | None) -> None:
        """Ask `task` to stop (if it is still running)."""
        if task is not None and task in self._pending:
            self._runner.cancel(task)

    def close(self) -> None:
        """Drop every answer still to come; stop what can stop."""
        self.closed = True
        for task in list(self._pending):
            self._runner.cancel(task)
        self._delete_if_idle()

    def _delete_if_idle(self) -> None:
        if self.closed and not self._pending and self.delete_owner_when_done:
            self._owner.deleteLater()
