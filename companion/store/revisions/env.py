"""Alembic's entry point for the local database: run on the connection the app hands over.

The app configures Alembic in code (``companion.store.migrations``); there is no
alembic.ini. Each revision runs in its own transaction, so a failed step leaves
the file at the last completed version.
"""

from alembic import context

context.configure(connection=context.config.attributes["connection"],
                  transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
