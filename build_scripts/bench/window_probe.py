"""Started in a new process: print MARK as soon as a main window has been exposed and painted.

    window_probe.py bare            a bare PySide6 QMainWindow (the baseline)
    window_probe.py app DATA_DIR    the app, as `otop-desktop --data-dir DATA_DIR` starts it

The probe is an application-wide event filter, installed by making QApplication a subclass
before the app imports it: at the first Expose event of a QMainWindow's window it posts a
zero-delay timer (so the paint that answers the expose is done) which prints MARK and exits.
For the app that window is its shell (`otop_desktop.ui.shell`): menus, navigation and
"Opening the database…", painted before the service layer is imported and the pages attached,
which is the moment a user sees the window appear.
Prints NOT_AVAILABLE when the app has no GUI module yet.
"""

from __future__ import annotations

import importlib.util
import os
import sys

MARK = "BENCH-WINDOW-SHOWN"
NOT_AVAILABLE = "BENCH-WINDOW-NOT-AVAILABLE"


def _install_probe() -> None:
    from PySide6 import QtCore, QtGui, QtWidgets

    original = QtWidgets.QApplication

    class Probe(QtCore.QObject):
        fired = False

        def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
            if (
                not self.fired
                and event.type() == QtCore.QEvent.Type.Expose
                and isinstance(obj, QtGui.QWindow)
                and obj.isExposed()
                and any(
                    isinstance(w, QtWidgets.QMainWindow) and w.windowHandle() is obj
                    for w in original.topLevelWidgets()
                )
            ):
                self.fired = True
                QtCore.QTimer.singleShot(0, _shown)
            return False

    class ProbedApplication(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            self._bench_probe = Probe()
            self.installEventFilter(self._bench_probe)

    QtWidgets.QApplication = ProbedApplication  # type: ignore[misc]


def _shown() -> None:
    sys.stdout.write(MARK + "\n")
    sys.stdout.flush()
    os._exit(0)  # the time to shut down is not part of "start to window"


def bare() -> int:
    _install_probe()
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1024, 700)
    window.show()
    return app.exec()


def app(data_dir: str) -> int:
    if importlib.util.find_spec("otop_desktop.ui") is None or (
        importlib.util.find_spec("otop_desktop.ui.launch") is None
        and importlib.util.find_spec("otop_desktop.ui.main_window") is None
    ):
        sys.stdout.write(NOT_AVAILABLE + "\n")
        return 0
    _install_probe()
    from otop_desktop.app import main

    return main(["--data-dir", data_dir])


if __name__ == "__main__":
    sys.exit(bare() if sys.argv[1] == "bare" else app(sys.argv[2]))
