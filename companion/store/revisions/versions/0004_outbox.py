"""Schema 4: the outbox of submissions and amendments waiting for the team store."""

from alembic import op

from companion.store import migrations

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    migrations.STEPS[4](op.get_bind())
