"""Schema 8: the search index of past rounds, filled from the rounds already stored."""

from alembic import op

from companion.store import migrations

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    migrations.STEPS[8](op.get_bind())
