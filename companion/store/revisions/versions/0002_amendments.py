"""Schema 2: the amendment table (changes after submission) and ``round.extra``."""

from alembic import op

from companion.store import migrations

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    migrations.run_step(op.get_bind(), migrations.V2_DDL, 2)
