"""The live round: engine, timers, pacing and clocks (plain Python, no Qt)."""
