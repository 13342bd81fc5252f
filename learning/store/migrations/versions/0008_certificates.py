"""Certificates of completion: one per learner, with what it prints frozen at issue, its
verification code (unique, indexed) and, once revoked, when, why and by whom

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import learning.store.tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("attempt_id", sa.String(length=36), nullable=True),
        sa.Column("learner_name", sa.String(length=120), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("passed_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("minutes_studied", sa.Integer(), nullable=False),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("issued_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", learning.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], name=op.f("fk_certificates_attempt_id_attempts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revoked_by"], ["users.id"], name=op.f("fk_certificates_revoked_by_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_certificates_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("user_id", name=op.f("uq_certificates_user_id")),
    )


def downgrade() -> None:
    op.drop_table("certificates")
