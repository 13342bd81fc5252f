"""Classes an instructor runs: co-instructors, a class exam date, closing enrolment, extra attempts,
voided attempts, one-time password reset codes and the audit log of what instructors did

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import learning.store.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attempt_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=80), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("granted_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["granted_by"], ["users.id"], name=op.f("fk_attempt_grants_granted_by_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_attempt_grants_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_grants")),
    )
    with op.batch_alter_table("attempt_grants", schema=None) as batch_op:
        batch_op.create_index("ix_attempt_grants_user_quiz", ["user_id", "quiz_id"], unique=False)

    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("issued_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", learning.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("failed_tries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], name=op.f("fk_password_resets_issued_by_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
    )
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("learner_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name=op.f("fk_audit_log_cohort_id_cohorts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["learner_id"], ["users.id"], name=op.f("fk_audit_log_learner_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "cohort_instructors",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name=op.f("fk_cohort_instructors_cohort_id_cohorts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_cohort_instructors_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cohort_id", "user_id", name=op.f("pk_cohort_instructors")),
    )
    with op.batch_alter_table("cohort_instructors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_instructors_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("voided", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exam_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("enrolment_open", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_column("enrolment_open")
        batch_op.drop_column("exam_date")

    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("voided")

    with op.batch_alter_table("cohort_instructors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_instructors_user_id"))

    op.drop_table("cohort_instructors")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_learner_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_cohort_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_resets_user_id"))

    op.drop_table("password_resets")
    with op.batch_alter_table("attempt_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_attempt_grants_user_quiz")

    op.drop_table("attempt_grants")
