"""Schema 5: the panel's decision on a candidate."""

from alembic import op

from companion.store import migrations

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    migrations.STEPS[5](op.get_bind())
