"""PDF exports (scorecard, panel debrief, calibration) and assembling a panel from the store."""
