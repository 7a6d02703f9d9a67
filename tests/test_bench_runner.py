"""The bench command finds every benchmark and turns each result shape into table rows."""

from __future__ import annotations

from bench.run_all import discover, normalise, render


def test_discover_lists_benchmarks_not_helpers() -> None:
    names = discover()
    assert {"startup", "memory", "team_store"} <= set(names)
    assert "bare_window" not in names and "run_all" not in names


def test_figures_list_with_numeric_and_text_targets() -> None:
    rows = normalise("startup", {"figures": [
        {"figure": "ratio", "value": 1.27, "unit": "x", "target": 1.5},
        {"figure": "ratio over", "value": 1.8, "unit": "x", "target": 1.5},
        {"figure": "smoke", "value": 412.0, "unit": "ms", "target": "<= 1.5x bare", "ok": True},
        {"figure": "pages", "value": 26, "unit": "pages"},
    ]})
    assert [(r.figure, r.value, r.target, r.ok) for r in rows] == [
        ("ratio", "1.27 x", "<= 1.5 x", True),
        ("ratio over", "1.8 x", "<= 1.5 x", False),
        ("smoke", "412 ms", "<= 1.5x bare", True),
        ("pages", "26 pages", "-", None),
    ]


def test_mapping_shape_and_higher_is_better() -> None:
    rows = normalise("x", {"throughput": {"value": 90, "target": 100, "higher_is_better": True}})
    assert [(r.figure, r.target, r.ok) for r in rows] == [("throughput", ">= 100", False)]


def test_target_key_shape_compares_the_measured_value_not_the_baseline() -> None:
    rows = normalise("typing", {"target_p99_ms": 16.0, "live": {"p99_ms": 21.0},
                                "baseline": {"p99_ms": 4.0}, "meets_target": False})
    assert [(r.figure, r.ok) for r in rows] == [("typing: live p99_ms", False),
                                                ("typing: baseline p99_ms", None)]


def test_a_result_without_figures_is_a_failed_row() -> None:
    (row,) = normalise("broken", {"nothing": "here"})
    assert row.ok is False


def test_table_has_one_header_and_marks_misses() -> None:
    rows = normalise("s", {"figures": [{"figure": "a", "value": 3, "target": 2}]})
    lines = render(rows).splitlines()
    assert lines[0] == "| figure | value | target | within target |"
    assert lines[2] == "| a | 3 | <= 2 | NO |"
