"""The typing-stall benchmark runs as a test too: a short run, real store, real engine."""

from __future__ import annotations

import pytest

from bench import typing_stall


@pytest.mark.slow
def test_typing_into_notes_with_autosave_stays_under_a_frame() -> None:
    result = typing_stall.run(seconds=3.0)
    live, base = result["live"], result["baseline"]
    assert live["chars"] == base["chars"] == 30
    # Every keystroke reached the database, not just the text field.
    assert live["stored_chars"] == live["chars"]
    assert live["saved_events"] >= 1
    assert live["probe_samples"] > 1000 and base["probe_samples"] > 1000
    assert live["p99_ms"] < typing_stall.TARGET_P99_MS, result
    assert result["meets_target"] is True
