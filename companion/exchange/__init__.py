"""Scorecard files: the exchange format and the one gate a scorecard from outside passes.

The team store's reader uses the same gate. It may use ``record`` and everything below.
"""
