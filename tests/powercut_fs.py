"""A file system for the tests that forgets what was never synced, like a power cut does.

Everything lives in this process's memory (FUSE through mfusepy). Like LazyFS, a
write is only *durable* once its file is fsynced, and a new name (a created,
renamed or removed file) only once its folder is fsynced: SQLite syncs the
folder after creating a journal or WAL, and a file system is free to lose a new
name it was never asked to keep. Until then it is visible to every reader (the
page cache) but not on the "disk".

A power cut, ordered on stdin between two mounts, rebuilds the disk from what was
durable plus some of the writes that were not, in the order they were issued,
chosen the way SQLite's crash tests (test6.c) and LazyFS's faults do:

- ``drop``: every unsynced write is lost;
- ``prefix``: a random prefix of the unsynced writes survives, the rest is lost;
- ``torn``: a random prefix survives and its last write is cut at a 512-byte
  sector boundary (a write within one sector is kept or lost whole).

Run as ``python3 -m tests.powercut_fs MOUNTPOINT``. It mounts and prints
``mounted``; it then waits for a line on stdin, ``cut MODE SEED`` or ``quit``,
which it acts on once the mount is taken away (``fusermount3 -u MOUNTPOINT``):
after a cut it prints ``cut {json}`` with what it dropped, mounts again and
prints ``mounted``. Only the tests use it; the app never knows it is there.
"""

from __future__ import annotations

import errno
import json
import os
import random
import stat
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import mfusepy as fuse

SECTOR = 512
Op = tuple[str, int, bytes]  # ("w", offset, data) or ("t", size, b"")


@dataclass
class Node:
    ino: int
    mode: int
    data: bytearray = field(default_factory=bytearray)  # what readers see
    durable: bytes = b""  # what is on the "disk"
    pending: list[tuple[int, Op]] = field(default_factory=list)  # (sequence, op), unsynced
    entries: dict[str, int] = field(default_factory=dict)  # a folder: name -> ino, as seen
    durable_entries: dict[str, int] = field(default_factory=dict)  # ... as on the disk

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)


def apply(data: bytearray, op: Op) -> None:
    kind, where, blob = op
    if kind == "t":
        del data[where:]
        data.extend(b"\0" * (where - len(data)))
        return
    if where > len(data):
        data.extend(b"\0" * (where - len(data)))
    data[where:where + len(blob)] = blob


def torn(op: Op, rng: random.Random) -> Op | None:
    """``op`` cut at a sector boundary inside it; a write within one sector is all or none."""
    kind, where, blob = op
    if kind != "w":
        return op if rng.random() < 0.5 else None
    cuts = [b - where for b in range((where // SECTOR + 1) * SECTOR, where + len(blob), SECTOR)]
    if not cuts:
        return op if rng.random() < 0.5 else None
    return ("w", where, blob[:rng.choice(cuts)])


class PowerCutFS(fuse.Operations):
    """The operations SQLite and the app use, over ``Node``s held in memory."""

    use_ns = True

    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {1: Node(1, stat.S_IFDIR | 0o755)}
        self.next_ino = 2
        self.seq = 0
        self._mutex = threading.Lock()
        self.uid, self.gid = os.getuid(), os.getgid()
        self.now = time.time_ns()

    def init(self, path: str) -> None:
        print("mounted", flush=True)  # the mount is in place: the tests may go on

    # -- paths ----------------------------------------------------------------------
    def _lookup(self, path: str) -> Node:
        node = self.nodes[1]
        for part in [p for p in path.split("/") if p]:
            if not node.is_dir or part not in node.entries:
                raise fuse.FuseOSError(errno.ENOENT)
            node = self.nodes[node.entries[part]]
        return node

    def _parent(self, path: str) -> tuple[Node, str]:
        head, _, name = path.rstrip("/").rpartition("/")
        parent = self._lookup(head or "/")
        if not parent.is_dir:
            raise fuse.FuseOSError(errno.ENOTDIR)
        return parent, name

    def _new(self, path: str, mode: int) -> Node:
        parent, name = self._parent(path)
        if name in parent.entries:
            raise fuse.FuseOSError(errno.EEXIST)
        node = Node(self.next_ino, mode)
        self.next_ino += 1
        self.nodes[node.ino] = node
        parent.entries[name] = node.ino
        return node

    def _log(self, node: Node, op: Op) -> None:
        self.seq += 1
        node.pending.append((self.seq, op))
        apply(node.data, op)

    # -- reading ----------------------------------------------------------------------
    def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
        with self._mutex:
            node = self.nodes[fh] if fh is not None and fh in self.nodes else self._lookup(path)
            size = len(node.data)
            return {"st_mode": node.mode, "st_ino": node.ino, "st_nlink": 2 if node.is_dir else 1,
                    "st_size": size, "st_uid": self.uid, "st_gid": self.gid,
                    "st_blocks": (size + 511) // 512, "st_atime": self.now,
                    "st_mtime": self.now, "st_ctime": self.now}

    def readdir(self, path: str, fh: int) -> list[str]:
        with self._mutex:
            return [".", "..", *self._lookup(path).entries]

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        with self._mutex:
            return bytes(self.nodes[fh].data[offset:offset + size])

    def statfs(self, path: str) -> dict[str, int]:
        return {"f_bsize": 4096, "f_frsize": 4096, "f_blocks": 1 << 20, "f_bfree": 1 << 19,
                "f_bavail": 1 << 19, "f_files": 1 << 16, "f_ffree": 1 << 15, "f_namemax": 255}

    def access(self, path: str, amode: int) -> int:
        with self._mutex:
            self._lookup(path)
        return 0

    # -- changing -----------------------------------------------------------------------
    def create(self, path: str, mode: int, fi: Any = None) -> int:
        with self._mutex:
            return self._new(path, stat.S_IFREG | (mode & 0o7777)).ino

    def open(self, path: str, flags: int) -> int:
        with self._mutex:
            return self._lookup(path).ino

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        with self._mutex:
            self._log(self.nodes[fh], ("w", offset, bytes(data)))
        return len(data)

    def truncate(self, path: str, length: int, fh: int | None = None) -> int:
        with self._mutex:
            node = self.nodes[fh] if fh is not None and fh in self.nodes else self._lookup(path)
            self._log(node, ("t", length, b""))
        return 0

    def mkdir(self, path: str, mode: int) -> int:
        with self._mutex:
            self._new(path, stat.S_IFDIR | (mode & 0o7777))
        return 0

    def unlink(self, path: str) -> int:
        with self._mutex:
            parent, name = self._parent(path)
            if name not in parent.entries:
                raise fuse.FuseOSError(errno.ENOENT)
            del parent.entries[name]
        return 0

    def rmdir(self, path: str) -> int:
        with self._mutex:
            parent, name = self._parent(path)
            if self._lookup(path).entries:
                raise fuse.FuseOSError(errno.ENOTEMPTY)
            del parent.entries[name]
        return 0

    def rename(self, old: str, new: str) -> int:
        with self._mutex:
            src, a = self._parent(old)
            dst, b = self._parent(new)
            if a not in src.entries:
                raise fuse.FuseOSError(errno.ENOENT)
            dst.entries[b] = src.entries.pop(a)
        return 0

    def chmod(self, path: str, mode: int) -> int:
        with self._mutex:
            node = self._lookup(path)
            node.mode = (node.mode & ~0o7777) | (mode & 0o7777)
        return 0

    def chown(self, path: str, uid: int, gid: int) -> int:
        return 0

    def utimens(self, path: str, times: Any = None) -> int:
        return 0

    # -- making it durable -----------------------------------------------------------------
    def fsync(self, path: str, datasync: int, fh: int) -> int:
        with self._mutex:
            node = self.nodes[fh]
            node.durable = bytes(node.data)
            node.pending.clear()
        return 0

    def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
        with self._mutex:
            node = self._lookup(path)
            node.durable_entries = dict(node.entries)
        return 0

    def flush(self, path: str, fh: int) -> int:
        return 0  # close() is not fsync()

    def release(self, path: str, fh: int) -> int:
        return 0

    # -- the power cut ----------------------------------------------------------------------
    def cut(self, mode: str, seed: int) -> dict[str, Any]:
        """Keep what was durable and, by ``mode``, some unsynced writes; forget the rest."""
        rng = random.Random(seed)
        with self._mutex:
            unsynced = sorted((seq, ino, op) for ino, n in self.nodes.items()
                              for seq, op in n.pending)
            keep = 0 if mode == "drop" or not unsynced else rng.randint(
                1 if mode == "torn" else 0, len(unsynced))
            kept = unsynced[:keep]
            if mode == "torn" and kept:
                seq, ino, op = kept[-1]
                cut = torn(op, rng)
                kept = kept[:-1] + ([(seq, ino, cut)] if cut is not None else [])
            disk = {ino: bytearray(n.durable) for ino, n in self.nodes.items()}
            for _seq, ino, op in kept:
                apply(disk[ino], op)
            # Only what the disk's folders name survives; everything else was never kept.
            alive: dict[int, Node] = {}
            stack = [1]
            while stack:
                old = self.nodes[stack.pop()]
                node = Node(old.ino, old.mode, bytearray(disk[old.ino]), bytes(disk[old.ino]),
                            entries=dict(old.durable_entries),
                            durable_entries=dict(old.durable_entries))
                alive[node.ino] = node
                stack.extend(i for i in node.entries.values() if i not in alive)
            self.nodes = alive
            return {"mode": mode, "unsynced": len(unsynced), "kept": len(kept)}


def main(mountpoint: str) -> int:
    fs = PowerCutFS()
    while True:
        fuse.FUSE(fs, mountpoint, foreground=True, nothreads=True, fsname="powercut",
                  auto_unmount=True, debug=bool(os.environ.get("POWERCUT_DEBUG")))
        line = sys.stdin.readline().split()
        if not line or line[0] == "quit":
            return 0
        if line[0] == "cut":
            print("cut " + json.dumps(fs.cut(line[1], int(line[2]))), flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
