"""Load question packs: the built-in backend pack plus any user packs, validated as a whole.

A pack is a folder of ``*.toml`` files or a single ``*.toml`` file; exactly one of
its files holds a ``[pack]`` table (id, version, title). Any file may hold any of the
top-level tables: ``[[archetypes]]``, ``[[questions]]``, ``[[scenarios]]``,
``[[red_flags]]``, ``[[templates]]``, ``[[levels]]``, ``[[samples]]``, ``[failure_probe]``,
``[pay]``.

Merge rule (one rule, no flags): packs load in order (built-in first, then the user's
packs folder in name order, then each ``--pack PATH``). An item whose id is already
loaded REPLACES that item in place; a new id is appended. ``[failure_probe]`` and
``[pay]`` replace the earlier table whole. Within one pack an id may appear only once.

Every problem in every file is collected before anything is raised, so one run of
``content check`` reports them all (``ContentError.problems``, one line each).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from companion.base.errors import ContentError
from companion.content import build, schema, validate
from companion.content.model import Pack
from companion.content.problems import Origin, ProblemLog, SourceFile
from companion.intake import limits
from companion.intake.reading import Refused, parse_toml, read_capped

BUILTIN_LABEL = "builtin"


@dataclass(frozen=True)
class Entry:
    """One item: its raw table, where it was defined, and the model object built from it
    (``None`` when the table failed the schema; it still takes part in later checks)."""

    raw: dict[str, Any]
    origin: Origin
    obj: Any = None


@dataclass
class PackData:
    """One pack's parsed files, before merging."""

    label: str
    files: list[SourceFile] = field(default_factory=list)
    header: dict[str, Any] | None = None
    header_origin: Origin | None = None
    lists: dict[str, dict[str, Entry]] = field(
        default_factory=lambda: {k: {} for k in build.LISTS})
    singles: dict[str, Entry] = field(default_factory=dict)

    def describe(self) -> str:
        if self.header is None:
            return self.label
        return f"{self.header['id']} {self.header['version']}"


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _parse(sf: SourceFile, log: ProblemLog) -> dict[str, Any] | None:
    try:
        return parse_toml(sf.text)
    except Refused as exc:  # too deep, or a number too long, before tomllib saw it
        log.raw(exc.line(sf.label))
        return None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_AT.search(msg)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else "(file)"
        reason = _TOML_AT.sub("", msg) if m else msg
        log.raw(f"{sf.label}: {where}: not valid TOML ({reason}); fix the syntax there "
                "(text in quotes, tables as [name] or [[name]], lists as [a, b])")
        return None


def _add_file(pack: PackData, sf: SourceFile, data: dict[str, Any], log: ProblemLog) -> None:
    """Check one parsed file's tables and add its items to ``pack``."""
    pack.files.append(sf)
    for key, value in data.items():
        fld = schema.FILE.get(key)
        if fld is None:
            log.add(sf, (key,), f"unknown table {key!r}",
                    schema.suggest(key, schema.FILE))
            continue
        if not schema.type_ok(fld.kind, value):
            shape = "[[" + key + "]] blocks" if fld.kind == "tables" else "a [" + key + "] table"
            log.add(sf, (key,), f"{key} has the wrong shape", f"write it as {shape}")
            continue
        if key == "pack":
            if pack.header_origin is not None:
                log.add(sf, (key,), "a second [pack] table in one pack",
                        f"keep only the one in {pack.header_origin.where()}")
                continue
            pack.header_origin = Origin(sf, (key,))
            if schema.check(value, schema.PACK, sf, (key,), log):
                pack.header = value
        elif key in build.SINGLES:
            ok = schema.check(value, fld.sub or {}, sf, (key,), log)
            obj = build.SINGLES[key](value) if ok else None
            pack.singles[key] = Entry(value, Origin(sf, (key,)), obj)
        elif len(value) > limits.PACK_ITEMS:
            log.add(sf, (key,), f"{len(value):,} [[{key}]] blocks in one file",
                    f"a pack file holds at most {limits.PACK_ITEMS:,}; split the pack")
        else:
            for i, raw in enumerate(value):
                _add_item(pack, key, i, raw, sf, log)


def _add_item(pack: PackData, kind: str, i: int, raw: dict[str, Any], sf: SourceFile,
              log: ProblemLog) -> None:
    spec = schema.FILE[kind].sub or {}
    ok = schema.check(raw, spec, sf, (kind, i), log)
    item_id = raw.get("id")
    if not isinstance(item_id, str):
        return
    seen = pack.lists[kind].get(item_id)
    if seen is not None:
        log.add(sf, (kind, i, "id"), f"duplicate id {item_id!r} (first at {seen.origin.where()})",
                "give each item its own id; to replace a built-in item, put it in a user pack")
        return
    obj = build.LISTS[kind](raw) if ok else None
    pack.lists[kind][item_id] = Entry(raw, Origin(sf, (kind, i)), obj)


def _read(path: Path, label: str, log: ProblemLog) -> SourceFile | None:
    try:
        raw = read_capped(path, limits.PACK_FILE_BYTES, "pack file")
    except Refused as exc:
        log.raw(f"{label}: (file): {exc.text()}")
        return None
    try:
        return SourceFile(label, raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        log.raw(f"{label}: (file): cannot read it (not UTF-8 text: bad byte at offset "
                f"{exc.start}); save it as UTF-8 text")
        return None


def _listing(folder: Path, label: str, log: ProblemLog) -> list[Path]:
    """The entries of a pack folder, refusing a folder with absurdly many of them."""
    try:
        entries = []
        for n, entry in enumerate(folder.iterdir()):
            if n >= limits.PACK_FILES:
                log.raw(f"{label}: (folder): more than {limits.PACK_FILES} entries; a pack "
                        "folder holds a pack's own TOML files, not a whole drive")
                return []
            if entry.is_symlink():
                if entry.suffix == ".toml":
                    log.raw(_link_refusal(entry))
                continue
            entries.append(entry)
    except OSError as exc:
        log.raw(f"{label}: (folder): cannot list it ({exc.strerror or exc})")
        return []
    return sorted(entries)


def _link_refusal(entry: Path) -> str:
    return (f"{entry}: (file): is a link; the app does not follow links inside a pack "
            "folder; copy the pack file itself there")


def _finish(pack: PackData, files: Iterable[SourceFile], log: ProblemLog) -> PackData:
    for sf in files:
        data = _parse(sf, log)
        if data is not None:
            _add_file(pack, sf, data, log)
    if pack.header_origin is None and pack.files:
        first = pack.files[0]
        log.add(first, ("pack",), "no [pack] table in this pack",
                "add [pack] with id, version and title to one of its files")
    return pack


def read_user_pack(path: Path, log: ProblemLog, *, entry: bool = False) -> PackData:
    """A pack from a single TOML file or a folder of them; problems go to ``log``.

    ``entry``: ``path`` was found in the packs folder rather than given by the user,
    so a link there is refused by name instead of followed.
    """
    label = str(path)
    pack = PackData(label)
    if entry and path.is_symlink():
        log.raw(_link_refusal(path))
        return pack
    if path.is_file():
        sf = _read(path, label, log)
        return _finish(pack, [sf] if sf else [], log)
    if path.is_dir():
        names = [p for p in _listing(path, label, log) if p.suffix == ".toml" and p.is_file()]
        if not names:
            log.raw(f"{label}: (folder): no .toml files in this folder; "
                    "put the pack's TOML files here or point at a single pack file")
        files = [sf for p in names if (sf := _read(p, str(p), log))]
        return _finish(pack, files, log)
    if path.exists():
        log.raw(f"{label}: (path): is a device, pipe or socket, not a pack; give the path of "
                "a pack file or folder")
    else:
        log.raw(f"{label}: (path): no such file or folder; check the path")
    return pack


def user_pack_paths(packs_folder: Path) -> list[Path]:
    """Every pack in the user's packs folder: each ``*.toml`` file and each sub-folder."""
    if not packs_folder.is_dir():
        return []
    try:
        # Bounded like a pack folder: past the limit, the loader reports the folder itself.
        found = list(itertools.islice(packs_folder.iterdir(), limits.PACK_FILES + 1))
    except OSError:
        return []
    if len(found) > limits.PACK_FILES:
        return [packs_folder]
    # Links are listed too, so that loading refuses them by name.
    return sorted(p for p in found if (p.suffix == ".toml" and (p.is_symlink() or p.is_file()))
                  or p.is_dir())


@functools.lru_cache(maxsize=1)
def _builtin_data() -> tuple[PackData, tuple[str, ...]]:
    log = ProblemLog()
    folder = resources.files("companion.content").joinpath("builtin")
    files = []
    for res in sorted(folder.iterdir(), key=lambda r: r.name):
        if res.name.endswith(".toml"):
            files.append(SourceFile(f"{BUILTIN_LABEL}/{res.name}", res.read_text("utf-8")))
    return _finish(PackData(BUILTIN_LABEL), files, log), tuple(log.lines)


def _merge_and_build(packs: Sequence[PackData], log: ProblemLog) -> Pack:
    lists: dict[str, dict[str, Entry]] = {k: {} for k in build.LISTS}
    singles: dict[str, Entry] = {}
    sources = []
    for pack in packs:
        added = replaced = 0
        for kind, entries in pack.lists.items():
            for item_id, entry in entries.items():
                if item_id in lists[kind]:
                    replaced += 1
                else:
                    added += 1
                lists[kind][item_id] = entry  # same id: replaced in place, order kept
        for key, entry in pack.singles.items():
            replaced += key in singles
            added += key not in singles
            singles[key] = entry
        note = "" if pack is packs[0] else f" from {pack.label}: adds {added}, replaces {replaced}"
        sources.append(pack.describe() + note)
    root = packs[0].files[0] if packs[0].files else SourceFile(packs[0].label)
    validate.check_merged(lists, singles, root, log)
    if log:
        raise ContentError(log.lines)
    head = packs[0].header or {}

    def objs(kind: str) -> tuple[Any, ...]:
        return tuple(e.obj for e in lists[kind].values())

    return Pack(
        id=head.get("id", ""), version=head.get("version", ""), title=head.get("title", ""),
        archetypes=objs("archetypes"), questions=objs("questions"),
        scenarios=objs("scenarios"), red_flags=objs("red_flags"),
        templates=tuple(sorted(objs("templates"), key=lambda t: t.order)),
        levels=objs("levels"), failure_probe=singles["failure_probe"].obj,
        pay=singles["pay"].obj, sources=tuple(sources), samples=objs("samples"),
    )


@functools.lru_cache(maxsize=1)
def builtin_pack() -> Pack:
    """The built-in backend pack alone (parsed and validated once per process)."""
    return load_pack()


def load_pack(extra: Sequence[Path] = (), user_dir: Path | None = None) -> Pack:
    """The built-in pack merged with every pack in ``user_dir`` and each ``extra`` path.

    ``user_dir`` is the user's packs folder (``paths.packs_dir(data_dir)``); a missing
    folder is fine. Raises ``ContentError`` listing every problem, one line each.
    """
    builtin, builtin_problems = _builtin_data()
    log = ProblemLog(list(builtin_problems))
    found = user_pack_paths(user_dir) if user_dir is not None else []
    packs = [builtin, *(read_user_pack(p, log, entry=True) for p in found),
             *(read_user_pack(Path(p), log) for p in extra)]
    return _merge_and_build(packs, log)


def load_for_cli(args: argparse.Namespace, extra: Sequence[str] = ()) -> Pack:
    """The pack a command should use: built-in, the data folder's packs, ``--pack`` paths."""
    from companion.base.paths import data_dir, packs_dir

    folder = packs_dir(data_dir(getattr(args, "data_dir", None)))
    paths = [Path(p) for p in (*getattr(args, "pack", ()), *extra)]
    if not paths and not user_pack_paths(folder):
        return builtin_pack()
    return load_pack(paths, user_dir=folder)
