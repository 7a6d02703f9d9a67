"""Schema 6: loops, a candidate's planned rounds and who runs each."""

from alembic import op

from companion.store import migrations

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    migrations.STEPS[6](op.get_bind())
