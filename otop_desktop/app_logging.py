"""The log file of a data dir: `logs/otop-desktop.log`, rotated, for whoever looks after a laptop.

What goes in: each start (version, Python, system, language, data dir, database without its
password), the database opened or upgraded, backups, bundles, roster imports, certificate
batches, and every unexpected error with its traceback. Never passphrases, never a trainee's name
or phone: records are named by id.

A log that cannot be written (read-only folder, full disk) never stops the app: it says so once
on stderr and goes on without the file. Qt-free and light (no SQLAlchemy), so the window's fast
start can set it up before anything else.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from otop_desktop.i18n import _
from otop_desktop.version import __version__

LOG_NAME = "otop-desktop.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
# Our own messages from INFO up; other libraries (SQLAlchemy would log every statement at INFO)
# only from WARNING, the root logger's default.
PACKAGE = "otop_desktop"

log = logging.getLogger(__name__)

_handler: logging.Handler | None = None
_log_path: Path | None = None
_warned = False


class _SafeRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose write errors (full disk, file locked) are said once, not raised."""

    def handleError(self, record: logging.LogRecord) -> None:
        _warn_once(self.baseFilename, sys.exc_info()[1])


def _warn_once(path: object, error: BaseException | None) -> None:
    global _warned
    if _warned:
        return
    _warned = True
    reason = getattr(error, "strerror", None) or str(error)
    message = _("The log file {path} cannot be written ({reason}); going on without it.")
    try:
        sys.stderr.write(message.format(path=path, reason=reason) + "\n")
    except (OSError, ValueError, AttributeError):  # no usable stderr (a windowed app)
        pass


def default_data_dir() -> Path:
    """The data dir used without --data-dir, as `services.paths.default_data_dir` says.

    Repeated here because the window sets up its log before it may import the service layer.
    """
    override = os.environ.get("OTOP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("OTOP Field Desk", "OTOP"))


def log_folder(data_dir: Path) -> Path:
    """The log folder of `data_dir` (the same as `DataDir(data_dir).logs`)."""
    return data_dir.expanduser().resolve() / "logs"


def current_log_path() -> Path | None:
    """The log file in use, None when logging was not set up (or could not be)."""
    return _log_path


def setup_logging(data_dir: Path) -> Path:
    """Log to `data_dir/logs/otop-desktop.log` from now on; returns that path.

    Called again (another data dir, tests), the previous log file is closed and replaced.
    """
    global _handler, _log_path
    path = log_folder(data_dir) / LOG_NAME
    root = logging.getLogger()
    stop_logging()
    logging.getLogger(PACKAGE).setLevel(logging.INFO)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = _SafeRotatingHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError as exc:
        _warn_once(path, exc)
        # Warnings and errors still reach someone: the terminal, if there is one.
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
    else:
        _log_path = path
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    _handler = handler
    return path


def stop_logging() -> None:
    """Close the log file set up by setup_logging (if any)."""
    global _handler, _log_path
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
    _handler = None
    _log_path = None


def hide_password(url: str) -> str:
    """`url` with its password, if any, shown as `***` (as SQLAlchemy's hide_password does)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<unreadable URL>"
    if not password:
        return url
    user, _sep, host = parts.netloc.rpartition("@")
    name = user.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


def is_frozen() -> bool:
    """Whether this is the frozen (PyInstaller) app rather than Python running the sources."""
    return bool(getattr(sys, "frozen", False))


def log_start(what: str, *, language: str, data_dir: Path, database_url: str | None = None) -> None:
    """One line saying what started, and on what: version, Python, system, data, database."""
    log.info(
        "Start (%s): OTOP Field Desk %s, Python %s, %s %s, %s, language %s, data dir %s, "
        "database %s, pid %d",
        what,
        __version__,
        platform.python_version(),
        platform.system() or "unknown system",
        platform.release(),
        "frozen" if is_frozen() else "from source",
        language,
        data_dir,
        hide_password(database_url) if database_url else "the data dir's SQLite file",
        os.getpid(),
    )


def start_command_log(command: str, data_dir: Path | None, database_url: str | None) -> None:
    """Set up the log of a CLI command's data dir and say which command started."""
    from otop_desktop.i18n import current_locale

    folder = data_dir or default_data_dir()
    setup_logging(folder)
    log_start(
        f"command {command}",
        language=current_locale(),
        data_dir=folder,
        database_url=database_url,
    )


def log_failure(exc: BaseException) -> None:
    """Log an error that ended some work: a user's error briefly, anything else with its traceback.

    A user's error (OtopError) is logged by its kind only when it is about what somebody typed
    or chose: its message may hold a trainee's name.
    """
    from otop_desktop.domain.errors import NotFoundError, OtopError, ValidationError

    if isinstance(exc, (ValidationError, NotFoundError)):
        log.warning("Ended with %s", type(exc).__name__)
    elif isinstance(exc, OtopError):
        log.warning("Ended with %s: %s", type(exc).__name__, exc)
    else:
        log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
