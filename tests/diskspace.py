"""A really full disk for tests: a tiny tmpfs when we may mount one (root, and a kernel
that lets us), else nothing, and the caller falls back to SQLite's max_page_count."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[bool]:
    """Mount a ``size`` tmpfs on ``folder`` if we can; yields whether it is a real mount."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield False
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                              str(folder)], capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Take every free byte of the filesystem holding ``folder``."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as fh:
        for size in (65536, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * size)
    return filler
