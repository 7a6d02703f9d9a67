"""Schema 2: the amendment table (changes after submission) and ``round.extra``."""

from alembic import op

from companion.store import migrations

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    migrations.STEPS[2](op.get_bind())
