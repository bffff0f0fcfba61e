"""Build the frozen app with PyInstaller: ONE command, the same on Linux, Windows and macOS.

    python build_scripts/build_app.py [--onefile] [--self-test] [--max-mb N (default 180)]

Output: build_scripts/dist/otop-desktop/ (the one-folder app, its executable inside), or
build_scripts/dist/otop-desktop[.exe] with --onefile. The path of the executable is printed
as the last line of stdout, so other scripts (installers, CI) can use it.
PyInstaller's work folder is build_scripts/build/ (both are git-ignored). On Linux, ICU's
32 MB data library is first rebuilt with only what the app uses (icu_trim.py: icupkg and gcc,
skipped with a note where they are missing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import icu_trim

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "otop_desktop.spec"
DIST = HERE / "dist"
WORK = HERE / "build"
NAME = "otop-desktop"
MAX_MB = 180  # MB of 10**6 bytes, for the one-folder app


def executable(onefile: bool) -> Path:
    """Where the built app's executable is."""
    suffix = ".exe" if sys.platform == "win32" else ""
    if onefile:
        return DIST / f"{NAME}{suffix}"
    if sys.platform == "win32":
        # The console twin runs commands (self-test); the windowed one opens the window.
        return DIST / NAME / f"{NAME}-cli{suffix}"
    return DIST / NAME / f"{NAME}{suffix}"


def folder_size(path: Path) -> int:
    """Bytes of every file under `path` (or of the file itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(onefile: bool) -> Path:
    """Run PyInstaller on the spec; returns the executable."""
    env = dict(os.environ, OTOP_ONEFILE="1" if onefile else "0")
    icu_data = icu_trim.qt_icu_data()
    trimmed = icu_trim.trim(icu_data, WORK / "icu") if icu_data is not None else None
    env["OTOP_ICU_DATA"] = str(trimmed) if trimmed is not None else ""
    # A stale one-folder output of the other kind would only confuse whoever ships it.
    target = executable(onefile) if onefile else DIST / NAME
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK / ("onefile" if onefile else "onedir")),
        str(SPEC),
    ]
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    exe = executable(onefile)
    if not exe.is_file():
        raise SystemExit(f"build_app: PyInstaller finished but {exe} is missing")
    return exe


def self_test(exe: Path) -> int:
    """Run the built app's self-test (offscreen); its exit code."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run([str(exe), "self-test"], check=False, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true", help="one executable file")
    parser.add_argument("--self-test", action="store_true", help="run the built app's self-test")
    parser.add_argument(
        "--max-mb",
        type=float,
        default=MAX_MB,
        help=f"fail when the app is bigger (default {MAX_MB}, issue #10's limit; 0: no limit)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    exe = build(args.onefile)
    shipped = exe if args.onefile else DIST / NAME
    size_mb = folder_size(shipped) / 1e6
    print(
        f"build_app: built {shipped} ({size_mb:.1f} MB) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    if args.max_mb and size_mb > args.max_mb:
        print(f"build_app: {size_mb:.1f} MB is over the limit of {args.max_mb} MB", file=sys.stderr)
        return 1
    if args.self_test:
        code = self_test(exe)
        if code != 0:
            print(f"build_app: the self-test of the built app failed ({code})", file=sys.stderr)
            return code
    print(exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
