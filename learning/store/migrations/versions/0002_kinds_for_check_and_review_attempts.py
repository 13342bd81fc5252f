"""Mark the stored specs of lesson-check and spaced-review attempts with their quiz kind

Before quiz kinds "check" and "review" existed, those attempts were stored with kind
"practice" and told apart by their quiz ids ("check-<lesson>", "spaced-review"). History and
transcripts now filter by kind, so the stored specs get the kind their ids stood for.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

attempts = sa.table("attempts", sa.column("id", sa.String), sa.column("quiz_id", sa.String), sa.column("spec", sa.JSON))


def _set_kinds(kinds: dict[str, str], *, to: str | None = None) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(attempts.c.id, attempts.c.quiz_id, attempts.c.spec).where(
            sa.or_(attempts.c.quiz_id.like("check-%"), attempts.c.quiz_id == "spaced-review")
        )
    )
    for row in rows.all():
        kind = to or (kinds["check"] if row.quiz_id.startswith("check-") else kinds["review"])
        connection.execute(attempts.update().where(attempts.c.id == row.id).values(spec={**row.spec, "kind": kind}))


def upgrade() -> None:
    _set_kinds({"check": "check", "review": "review"})


def downgrade() -> None:
    _set_kinds({}, to="practice")
