"""Schema 8: the search index of past rounds, filled from the rounds already stored."""

from alembic import op

from companion.store import migrations

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    conn = op.get_bind()
    migrations.run_step(conn, migrations.v8_ddl(migrations.has_fts5(conn)), 8)
