"""Schema 3: amendments stored as typed changes; when the round ended."""

from alembic import op

from companion.store import migrations

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    conn = op.get_bind()
    migrations.run_step(conn, migrations.V3_DDL, 3)
    migrations.convert_amendments(conn)
    migrations.run_step(conn, migrations.V3_FINISH, 3)
