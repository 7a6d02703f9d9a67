"""Many rows read as a few columns: one fetched row per SELECT, not one per stored row.

Python's sqlite3 module pays for every row it hands over: it lets go of the GIL and
takes it back around each step, and SQLite takes the connection's mutex for every
value read. On calibration's read of 10,000 rounds that cost more than SQLite's own
work (valgrind, bench/calibration.py). So a SELECT here aggregates each column into
one value in SQL (``group_concat`` of texts, ``json_group_array`` where NULL must
survive), and Python splits them in C. The aggregates of one SELECT see the same rows
in the same order, so the lists line up.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, count, islice, repeat
from operator import ne, sub
from typing import Any, TypeVar

SEPARATOR = "\x1f"  # no id holds it (intake.reading.ID_FORM); a text that does is caught

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


@dataclass(frozen=True)
class Columns:
    """``texts`` and ``nullable`` (SQL expressions) over the rows ``source`` names (its
    ``FROM ... WHERE ...``). A text expression is a NOT NULL column or cannot be NULL
    (one NULL that ``group_concat`` leaves out is caught, as a separator in a value is,
    but not both in one column at once); a nullable one may be anything."""

    source: str
    texts: tuple[str, ...]
    nullable: tuple[str, ...] = ()

    @property
    def sql(self) -> str:
        aggregates = [f"group_concat({e}, '{SEPARATOR}')" for e in self.texts]
        aggregates += [f"json_group_array({e})" for e in self.nullable]
        return f"SELECT count(*), {', '.join(aggregates)} {self.source}"

    def fetch(self, conn: sqlite3.Connection) -> list[list[Any]]:
        """One list per expression (texts, then nullable), entry i from row i.

        A text that holds the separator (or is NULL after all) makes its list the
        wrong length; then every column is read again as JSON, which holds anything
        (the texts still as text): right, only slower.
        """
        n, *values = conn.execute(self.sql).fetchone()
        if not n:
            return [[] for _ in (*self.texts, *self.nullable)]
        split = [text.split(SEPARATOR) if text is not None else []
                 for text in values[:len(self.texts)]]
        if any(len(column) != n for column in split):
            as_json = (*(f"CAST({e} AS TEXT)" for e in self.texts), *self.nullable)
            return Columns(self.source, (), as_json).fetch(conn)
        return split + [json.loads(text) for text in values[len(self.texts):]]


def grouped(keys: list[K], values: Iterable[V],
            build: Callable[[Iterator[V]], T]) -> dict[K, T]:
    """Each key (first seen first) -> ``build`` of its values, ``values`` pairing with
    ``keys`` in order.

    The rows of one round are stored one after another, so each key's values are
    usually one run: then the runs are found, checked and cut in C (itertools) rather
    than in a loop of Python over every row; any other order takes that loop.
    """
    if not keys:
        return {}
    # Where each run starts: the first row, and every row whose key differs from the last.
    starts = [0, *compress(count(1), map(ne, islice(keys, 1, None), keys))]
    heads = list(map(keys.__getitem__, starts))
    if len(set(heads)) == len(heads):  # no key has a second run
        shared = iter(values)
        lengths = map(sub, [*islice(starts, 1, None), len(keys)], starts)
        return dict(zip(heads, map(build, map(islice, repeat(shared), lengths)), strict=True))
    lists: defaultdict[K, list[V]] = defaultdict(list)
    for key, value in zip(keys, values, strict=True):
        lists[key].append(value)
    return {key: build(iter(found)) for key, found in lists.items()}
