"""Alembic's environment for the team store, run by ``companion.team.schema`` only.

There is no alembic.ini: ``companion.team.schema`` builds the configuration in code
and hands over an open connection (Alembic's "sharing a connection" recipe), so the
caller decides the transaction and every step of ``team setup`` commits together.
"""

from __future__ import annotations

from alembic import context

# The version table lives beside the team tables, so one schema holds everything
# and every team role can read which revision the server runs.
SCHEMA = "companion"

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table_schema=SCHEMA,
                  transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
