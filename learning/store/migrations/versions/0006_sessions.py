"""Server-side sessions: a browser stays signed in through a cookie whose id only the table's
digest matches, and one-time handoff tokens that set that cookie

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import learning.store.tables

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("persistent", sa.Boolean(), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_last_seen_at"), ["last_seen_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sessions_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "session_handoffs",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("sealed_id", sa.String(length=64), nullable=False),
        sa.Column("expires_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_hash"], ["sessions.id_hash"], name=op.f("fk_session_handoffs_session_hash_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_session_handoffs")),
    )
    with op.batch_alter_table("session_handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_handoffs_session_hash"), ["session_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_session_handoffs_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("session_handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_handoffs_expires_at"))
        batch_op.drop_index(batch_op.f("ix_session_handoffs_session_hash"))
    op.drop_table("session_handoffs")

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_sessions_last_seen_at"))
        batch_op.drop_index(batch_op.f("ix_sessions_user_id"))
    op.drop_table("sessions")
