"""Schema 3: amendments stored as typed changes; when the round ended."""

from alembic import op

from companion.store import migrations

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    migrations.STEPS[3](op.get_bind())
