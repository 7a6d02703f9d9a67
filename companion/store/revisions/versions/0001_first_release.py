"""Schema 1, the first release: rounds, items, probes, flag events, sections, settings."""

from alembic import op

from companion.store import migrations

revision = "0001"
down_revision = None


def upgrade() -> None:
    migrations.STEPS[1](op.get_bind())
