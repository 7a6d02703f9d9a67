"""Schema 7: practice sets and their rated sample answers, apart from every round."""

from alembic import op

from companion.store import migrations

revision = "0007"
# 0006 is issue 22's revision on another branch; the merge re-chains this one after it.
down_revision = "0006"


def upgrade() -> None:
    migrations.STEPS[7](op.get_bind())
