"""Help › Check the database: the check runs on the runner, its report shows in this dialog."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from otop_desktop.domain.errors import OperationCancelled
from otop_desktop.i18n import _, ngettext

if TYPE_CHECKING:
    from otop_desktop.services.check import CheckReport
    from otop_desktop.services.context import AppContext
    from otop_desktop.ui.tasks import TaskRunner


def report_html(report: CheckReport) -> str:
    """The report as HTML: each problem with what to do, then the notes and the facts."""
    parts: list[str] = []
    if report.problems:
        items = "".join(
            "<li><b>{text}</b><br>{todo}</li>".format(
                text=html.escape(p.text),
                todo=html.escape(_("What to do: {text}").format(text=p.advice)),
            )
            for p in report.problems
        )
        parts.append(f"<ol>{items}</ol>")
    if report.notes:
        parts.append("<p><b>{}</b></p>".format(html.escape(_("For information"))))
        parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in report.notes) + "</ul>")
    facts = [
        _("Photos: {n}").format(n=report.facts.get("photos", 0)),
        _("Changes in the change log: {n}").format(n=report.facts.get("changes", 0)),
        _("Schema revision: {rev}").format(rev=report.facts.get("schema", "-")),
    ]
    parts.append("<p style='color: gray'>" + "<br>".join(html.escape(f) for f in facts) + "</p>")
    return "".join(parts)


def report_text(report: CheckReport) -> str:
    """The report as plain text, to paste into a message."""
    lines = [summary(report)]
    for problem in report.problems:
        lines += [
            _("Problem: {text}").format(text=problem.text),
            "  " + _("What to do: {text}").format(text=problem.advice),
        ]
    lines += [_("Note: {text}").format(text=note) for note in report.notes]
    lines += [f"{key}: {value}" for key, value in sorted(report.facts.items())]
    return "\n".join(lines)


def summary(report: CheckReport) -> str:
    """One sentence: all good, or how many problems."""
    if report.ok:
        return _("The database and the photos are in order.")
    n = len(report.problems)
    return ngettext("The check found {n} problem.", "The check found {n} problems.", n).format(n=n)


class CheckDialog(QDialog):
    """The report of a check: all good, or the problems and what to do about each."""

    def __init__(self, report: CheckReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(_("Check the database"))
        self.setMinimumWidth(520)
        icon = QLabel()
        pixmap = (
            QStyle.StandardPixmap.SP_DialogApplyButton
            if report.ok
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        icon.setPixmap(self.style().standardIcon(pixmap).pixmap(32, 32))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary_label = QLabel(summary(report))
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-weight: bold; font-size: 11pt;")
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.summary_label, 1)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setHtml(report_html(report))
        if report.ok and not report.notes:
            self.body.setMaximumHeight(90)
        else:
            self.body.setMinimumHeight(260)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(
            _("Copy report"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        """Put the report on the clipboard."""
        QGuiApplication.clipboard().setText(report_text(self.report))


def start_check(parent: QWidget, ctx: AppContext, runner: TaskRunner) -> int:
    """Run the check on the runner, with progress; its report opens in a CheckDialog."""
    from otop_desktop.services.check import run_check

    def done(report: CheckReport) -> None:
        dialog = CheckDialog(report, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, OperationCancelled):
            runner.show_error(exc)

    return runner.run(
        run_check,
        ctx,
        progress=True,
        title=_("Checking the database and the photos…"),
        on_done=done,
        on_error=failed,
    )
