"""Calibration: how far interviewers and questions agree, and how far to trust it.

Plain Python (no Qt): ``stats`` holds the statistics, ``figures`` turns stored
scorecards and the panel's decisions into the figures a hiring manager reads.
"""
