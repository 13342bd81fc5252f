"""When an exam date was set, for a learner's own date and for a class's: the day a study plan
starts, against which "on track" or "behind" is measured

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import learning.store.tables

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("users", "cohorts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("exam_date_set_at", learning.store.tables.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ("cohorts", "users"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("exam_date_set_at")
