"""Rebuild Qt's ICU data library with only the parts Qt's code can reach (Linux only).

PySide6's Qt ships ICU, and ICU keeps all of its data in one shared library,
``libicudata.so.NN``: a single read-only symbol ``icudtNN_dat`` holding an ICU
"common data" package (a table of contents, then one item per file). Of the whole
Qt build only QtCore calls ICU, and only for collation (``ucol_*``, QCollator),
case mapping (``u_strToUpper/Lower``, QLocale), code-page conversion (``ucnv_*``,
QStringConverter for encodings Qt has no built-in codec for) and time-zone ids and
names (``ucal_*``, QTimeZone); ``tests/test_packaging.py`` lists the ICU functions
every bundled library imports and fails if that set grows.

So the package is rewritten without what none of those services reads:

- break-iterator rules and dictionaries (``brkitr/``: Qt breaks text with its own
  tables and calls no ``ubrk_*``), transliterators, spelled-out numbers (RBNF);
- display names of units, currencies, languages and regions (Qt has its own CLDR data),
  and of time zones except English: only ``QTimeZone::displayName`` asks ICU for those,
  nothing in this app calls it, and other languages then get the English names;
- legacy code-page tables (``*.cnv``): the app reads and writes UTF-8 only, which
  ICU converts without tables (the alias table stays, so a name still resolves and an
  absent table is reported as such, not as a crash);
- Unicode character names, string-prep profiles (IDNA 2003; QUrl has its own IDNA) and
  the spoof checker's confusables;
- each language's own formatting data (date and number patterns, names of months, days,
  scripts): Qt formats dates and numbers with its own CLDR tables; a calendar opened for
  a language (``ucal_open``, to find a zone's name) then gets the root's (``LOCALE``).

Kept: collation with every language's tailoring (Qt's file dialog sorts names with
QCollator in the user's language), the time-zone database and ids, English and root
locale data, the supplemental data (likely subtags, week data, plurals), normalization
and the Unicode properties. The items that stay are copied byte for
byte, in their original (sorted) order, 16-byte aligned as ICU's own ``icupkg``
writes them; the library is assembled with binutils (``as``, ``ld``) under the same
SONAME and symbol name. ``python packaging/icu_trim.py IN OUT`` does it by hand.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

DROP_TREES = ("brkitr/", "translit/", "rbnf/", "unit/", "curr/", "lang/", "region/", "zone/")
DROP_SUFFIXES = (".cnv", ".spp", ".cfu")
DROP_NAMES = ("unames.icu",)
# A language's own formatting data (``pl.res``, ``zh_Hant_TW.res``) at the top of the
# package: dates, numbers and names that Qt formats with its own CLDR tables. Of Qt's ICU
# calls only a calendar (``ucal_open``) and a zone name look there, and fall back to the
# root's data; English stays.
LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*\.res")
# Kept inside the trees above: the time-zone names' root (with the "GMT+1" pattern), its
# shared strings and index, and the English names every other language then falls back to.
KEEP = ("zone/root.res", "zone/pool.res", "zone/res_index.res", "zone/en.res")
ALIGN = 16
PAD = b"\xaa"  # what icupkg fills the gaps with


def tools_present() -> bool:
    """Whether binutils' assembler and linker are here (else the bundle keeps all of ICU)."""
    return all(shutil.which(tool) for tool in ("as", "ld", "nm", "readelf"))


def _symbol(lib: Path) -> tuple[str, int, int]:
    """The data symbol's name, address and size (the library defines only that one)."""
    out = subprocess.run(["nm", "-D", "--defined-only", "-S", str(lib)], check=True,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3].startswith("icudt") and parts[3].endswith("_dat"):
            return parts[3], int(parts[0], 16), int(parts[1], 16)
    raise ValueError(f"{lib} defines no icudtNN_dat symbol")


def soname(lib: Path) -> str:
    """The library's SONAME (``libicudata.so.73``)."""
    out = subprocess.run(["readelf", "-d", str(lib)], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if "(SONAME)" in line:
            return line.split("[", 1)[1].rstrip("]")
    raise ValueError(f"{lib} has no SONAME")


def _file_offset(elf: bytes, addr: int) -> int:
    """The file offset of virtual address ``addr`` (from the ELF64 program headers)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a little-endian 64-bit ELF file")
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for n in range(phnum):
        kind, _flags, offset, vaddr, _paddr, filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + n * phentsize)
        if kind == 1 and vaddr <= addr < vaddr + filesz:  # PT_LOAD
            return offset + addr - vaddr
    raise ValueError(f"address {addr:#x} is in no loaded segment")


def read_package(lib: Path) -> tuple[str, bytes]:
    """The symbol's name and the common-data package it holds."""
    name, addr, size = _symbol(lib)
    elf = lib.read_bytes()
    start = _file_offset(elf, addr)
    return name, elf[start:start + size]


def items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its items (name, bytes), in table-of-contents order."""
    header_size, = struct.unpack_from("<H", package, 0)
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common-data package")
    count, = struct.unpack_from("<I", package, header_size)
    toc = [struct.unpack_from("<II", package, header_size + 4 + 8 * n) for n in range(count)]
    out = []
    for n, (name_at, data_at) in enumerate(toc):
        name_start = header_size + name_at
        name = package[name_start:package.index(b"\0", name_start)].decode("ascii")
        end = toc[n + 1][1] if n + 1 < count else len(package) - header_size
        out.append((name, package[header_size + data_at:header_size + end]))
    return package[:header_size], out


def pack(header: bytes, entries: list[tuple[str, bytes]]) -> bytes:
    """A common-data package of ``entries`` (their names must stay in sorted order)."""
    base = len(header)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in entries)
    toc_size = 4 + 8 * len(entries)
    offsets, at = [], toc_size + len(names)
    for _name, data in entries:
        at += -(base + at) % ALIGN
        offsets.append(at)
        at += len(data)
    body = bytearray(struct.pack("<I", len(entries)))
    name_at = toc_size
    for (name, _data), data_at in zip(entries, offsets, strict=True):
        body += struct.pack("<II", name_at, data_at)
        name_at += len(name) + 1
    body += names
    for (_name, data), data_at in zip(entries, offsets, strict=True):
        body += PAD * (data_at - len(body))
        body += data
    body += PAD * (-(base + len(body)) % ALIGN)
    return header + bytes(body)


def wanted(name: str) -> bool:
    """Whether an item (``icudtNNl/coll/pl.res``) is one a Qt code path can read."""
    path = name.split("/", 1)[1] if "/" in name else name
    if path in KEEP or (LOCALE.fullmatch(path) and path.startswith("en")):
        return True
    return not (path.startswith(DROP_TREES) or path.endswith(DROP_SUFFIXES)
                or path in DROP_NAMES or LOCALE.fullmatch(path))


def build_library(symbol: str, package: bytes, soname: str, out: Path) -> None:
    """Assemble ``out``: a shared library whose one symbol ``symbol`` holds ``package``."""
    with tempfile.TemporaryDirectory(prefix="icu-trim-") as tmp:
        work = Path(tmp)
        (work / "data.bin").write_bytes(package)
        (work / "data.s").write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign {ALIGN}\n"
            f'{symbol}:\n\t.incbin "data.bin"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n', encoding="ascii")
        subprocess.run(["as", "-o", "data.o", "data.s"], cwd=work, check=True)
        subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack",
                        "--hash-style=gnu", "-o", str(out.resolve()), "data.o"],
                       cwd=work, check=True)


def trim(lib: Path, out: Path) -> tuple[int, list[str]]:
    """Write ``out``, ``lib`` without the unreachable items; return its package size
    and the dropped items' names."""
    symbol, package = read_package(lib)
    header, entries = items(package)
    kept = [(name, data) for name, data in entries if wanted(name)]
    smaller = pack(header, kept)
    if items(smaller)[1] != kept:  # the table of contents reads back as written
        raise RuntimeError("the rebuilt ICU package does not read back")
    build_library(symbol, smaller, soname(lib), out)
    return len(smaller), [name for name, _ in entries if not wanted(name)]


if __name__ == "__main__":
    size, dropped = trim(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[2]}: package {size / 2**20:.1f} MB, {len(dropped)} items left out")
