"""Keep every saved version of a question: content, author, time and note

Instructors now edit the question bank from the app and the command line; each save is recorded
so the editor can list a question's versions, show what changed and restore an old one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import learning.store.tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=120), nullable=False),
        sa.Column("saved_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_question_history_author_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_history")),
    )
    with op.batch_alter_table("question_history", schema=None) as batch_op:
        batch_op.create_index("ix_question_history_question_version", ["question_id", "version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_history", schema=None) as batch_op:
        batch_op.drop_index("ix_question_history_question_version")
    op.drop_table("question_history")
