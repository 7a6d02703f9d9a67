"""The team store: submitted scorecards shared on a PostgreSQL server.

Only the team commands and (later) the publisher import this package: it loads a
database driver that opens network connections, so without a team store
configured nothing here is ever imported (tests/test_no_network.py checks).
The rules (who reads and writes what) live in the database, see
``revisions/versions``; docs/team-store.md describes the whole design.
"""
