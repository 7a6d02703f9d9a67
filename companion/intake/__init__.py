"""Bounded reading of anything from outside: the limits table, byte/JSON/TOML readers.

The bottom layer: it imports nothing else of the app, so every package may use it.
"""
