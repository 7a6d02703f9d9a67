"""Columns of many rows in one fetched row, and grouping them by runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from companion.store.columnar import SEPARATOR, Columns, grouped


def _table(tmp_path: Path, rows: list[tuple[object, ...]]) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "t.sqlite3")
    conn.execute("CREATE TABLE t (k TEXT, n INTEGER, v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    return conn


def test_columns_line_up_row_by_row(tmp_path: Path) -> None:
    rows = [("a", 1, "x"), ("b", 22, None), ("", 3, "z\x1fz")]
    conn = _table(tmp_path, rows)
    keys, numbers, values = Columns("FROM t", ("k", "n"), ("v",)).fetch(conn)
    assert list(zip(keys, numbers, values, strict=True)) == [
        ("a", "1", "x"), ("b", "22", None), ("", "3", "z\x1fz")]
    assert Columns("FROM t WHERE n > 99", ("k",), ("v",)).fetch(conn) == [[], []]


def test_a_text_with_the_separator_or_null_is_read_again_whole(tmp_path: Path) -> None:
    conn = _table(tmp_path, [(f"a{SEPARATOR}b", 1, "x"), ("c", 2, None)])
    keys, numbers, values = Columns("FROM t", ("k", "n"), ("v",)).fetch(conn)
    assert keys == [f"a{SEPARATOR}b", "c"]
    assert numbers == ["1", "2"]  # still text, as the split gives them
    assert values == ["x", None]
    conn.execute("UPDATE t SET k = CASE n WHEN 1 THEN 'a' END")  # 'a', then NULL
    assert Columns("FROM t", ("k", "n")).fetch(conn) == [["a", None], ["1", "2"]]


def test_grouped_cuts_runs_and_gathers_scattered_keys() -> None:
    assert grouped(["a", "a", "b", "c", "c"], range(5), list) == {
        "a": [0, 1], "b": [2], "c": [3, 4]}
    scattered = grouped(["a", "b", "a", "c", "b"], range(5), tuple)
    assert scattered == {"a": (0, 2), "b": (1, 4), "c": (3,)}
    assert list(scattered) == ["a", "b", "c"]  # first seen first, as with runs
    assert grouped([], [], list) == {}
    assert grouped(["k"], [("x", 1)], dict) == {"k": {"x": 1}}
