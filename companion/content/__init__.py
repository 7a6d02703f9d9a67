"""Question packs (the built-in backend pack as TOML data, its loader) and the loop planner.

It may use ``base`` and ``intake`` only.
"""
