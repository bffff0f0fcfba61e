"""A smaller ICU data library for the frozen app on Linux (32 MB -> ~8 MB).

    python build_scripts/icu_trim.py LIBICUDATA OUT_FOLDER    (build_app.py calls trim())

PySide6's Linux wheel ships ICU with all of its data in `libicudata.so.NN` (the symbol
`icudtNN_dat`). Only QtCore uses ICU, and only for collation (QCollator: Chinese stroke order,
Spanish ordering), case mapping, time zone names and ucnv converters (the app asks for none:
Python decodes the files). So the data of every language the app does not speak, the
break-iterator rules and dictionaries (Thai, Khmer, CJK...), transliterators and the legacy
converters are left out: with ICU's own `icupkg` (Debian: icu-devtools) the common data is
unpacked from the library, items are removed (icupkg refuses when a kept item needs a removed
one), and a library with the same SONAME exporting the same symbol is linked around it
(gcc, `.incbin`). Where the tools are missing (Windows, macOS: their wheels differ anyway),
`trim` prints a note and returns None: the build ships Qt's library as it is.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

# The languages the app speaks (en, es, zh_Hant_TW) and ICU's root, in every locale tree.
_KEPT_LOCALE = re.compile(r"^(root|en|es|zh)(_\w*)?\.res$")
_LOCALE = re.compile(r"^[a-z]{2,3}(_\w*)?\.res$")
# Trees nothing in QtCore opens: break iterators and transliterators.
_DROPPED_TREES = {"brkitr", "translit"}
# Converters by data file: Windows-1252 and Big5 (cp950), in case a Qt path is ever handed a
# legacy name; UTF-*, ASCII and Latin-1 are built into ICU's code, cnvalias.icu is kept.
_KEPT_CONVERTERS = {"ibm-5348_P100-1997.cnv", "windows-950-2000.cnv"}
_SYMBOL = re.compile(rb"^icudt(\d+)_dat$")
_DEPENDENCY = re.compile(r"depends on missing item (\S+)")


def kept_item(name: str) -> bool:
    """Whether an item of ICU's common data (as `icupkg -l` names it) stays."""
    parts = name.split("/")
    base = parts[-1]
    if len(parts) > 1 and parts[0] in _DROPPED_TREES:
        return False
    if base.endswith(".cnv"):
        return base in _KEPT_CONVERTERS
    if base.endswith(".res") and base != "res_index.res" and _LOCALE.match(base):
        return bool(_KEPT_LOCALE.match(base))
    return True


def find_data(library: Path) -> tuple[str, int, int]:
    """The data symbol of an ELF64 little-endian libicudata: (name, file offset, size)."""
    blob = library.read_bytes()
    if blob[:4] != b"\x7fELF" or blob[4] != 2 or blob[5] != 1:
        raise ValueError(f"{library}: not a 64-bit little-endian ELF file")
    shoff, shentsize, shnum = (
        struct.unpack_from("<Q", blob, 0x28)[0],
        *struct.unpack_from("<HH", blob, 0x3A),
    )
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", blob, shoff + index * shentsize) for index in range(shnum)
    ]
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind not in (2, 11):  # SHT_SYMTAB, SHT_DYNSYM
            continue
        strings = sections[link][4]
        for start in range(offset, offset + size, entsize):
            st_name, _st_info, _other, shndx, value, length = struct.unpack_from(
                "<IBBHQQ", blob, start
            )
            end = blob.index(b"\0", strings + st_name)
            symbol = blob[strings + st_name : end]
            if not _SYMBOL.match(symbol) or shndx == 0:
                continue
            section = sections[shndx]
            return symbol.decode(), section[4] + value - section[3], length
    raise ValueError(f"{library}: no icudtNN_dat symbol")


def _soname(library: Path) -> str:
    """The library's SONAME (the name the ICU libraries were linked against)."""
    output = subprocess.run(
        ["readelf", "-d", str(library)], check=True, capture_output=True, text=True
    ).stdout
    match = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", output)
    return match.group(1) if match else library.name


def missing_tools() -> list[str]:
    """The programs `trim` needs that are not on PATH."""
    return [tool for tool in ("icupkg", "gcc", "readelf") if shutil.which(tool) is None]


def _remove(package: Path, out: Path, removed: list[str]) -> list[str]:
    """Write `package` without the `removed` items, keeping what the others refer to."""
    removed = list(removed)
    for _round in range(10):
        listing = out.parent.parent / "removed.txt"
        listing.write_text("\n".join(removed) + "\n", encoding="utf-8")
        # Without --ignore-deps icupkg refuses when a kept item refers to a removed one
        # (zh_Hant_HK's number spellout -> yue, Big5 -> its base table): keep those too.
        done = subprocess.run(
            ["icupkg", "-r", str(listing), str(package), str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        needed = set(_DEPENDENCY.findall(done.stdout + done.stderr))
        if done.returncode == 0:
            return removed
        if not needed:
            raise RuntimeError(f"icupkg failed: {done.stdout}{done.stderr}")
        removed = [name for name in removed if name not in needed]
    raise RuntimeError("icupkg: the items to keep did not settle after 10 rounds")


def trim(library: Path, out_folder: Path) -> Path | None:
    """Build the trimmed library in `out_folder` (same file name); None where it can't be."""
    if not sys.platform.startswith("linux"):
        return None
    missing = missing_tools()
    if missing:
        print(
            f"icu_trim: {', '.join(missing)} not found: ICU data shipped untrimmed "
            "(Debian: apt-get install icu-devtools gcc binutils)",
            file=sys.stderr,
        )
        return None
    symbol, offset, size = find_data(library)
    version = _SYMBOL.match(symbol.encode())
    assert version is not None
    out_folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="icu-", dir=out_folder) as temp_name:
        temp = Path(temp_name)
        # icupkg takes the item prefix (icudtNNl) from the file name.
        package = temp / f"icudt{version.group(1).decode()}l.dat"
        with library.open("rb") as handle:
            handle.seek(offset)
            package.write_bytes(handle.read(size))
        listing = subprocess.run(
            ["icupkg", "-l", str(package)], check=True, capture_output=True, text=True
        ).stdout.split()
        trimmed = temp / "out" / package.name
        trimmed.parent.mkdir()
        removed = _remove(package, trimmed, [name for name in listing if not kept_item(name)])
        source = temp / "data.S"
        source.write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            "\t.balign 16\n"
            f"{symbol}:\n"
            f'\t.incbin "{trimmed.name}"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="utf-8",
        )
        built = temp / library.name
        subprocess.run(
            [
                "gcc", "-shared", "-nostdlib", "-s", "-o", str(built), str(source),
                f"-Wl,-soname,{_soname(library)}", "-Wl,-z,noexecstack",
            ],
            check=True,
            cwd=trimmed.parent,
        )  # fmt: skip
        result = out_folder / library.name
        built.replace(result)
    print(
        f"icu_trim: {library.name} {library.stat().st_size / 1e6:.1f} MB -> "
        f"{result.stat().st_size / 1e6:.1f} MB ({len(removed)} of {len(listing)} items removed)",
        file=sys.stderr,
    )
    return result


def qt_icu_data() -> Path | None:
    """PySide6's libicudata in this environment (Linux wheels), None when there is none."""
    try:
        import PySide6
    except ImportError:
        return None
    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return found[0] if found else None


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__.splitlines()[2].strip())
    print(trim(Path(sys.argv[1]), Path(sys.argv[2])))
