"""LTI 1.3: registered platforms and their deployments, the one-time launch states, the links
from a platform's people, courses and links to accounts, classes, quizzes and lessons, the
gradebook columns scores go to, and the queue of scores to post

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import learning.store.tables

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("auth_login_url", sa.String(length=1000), nullable=False),
        sa.Column("token_url", sa.String(length=1000), nullable=False),
        sa.Column("keyset_url", sa.String(length=1000), nullable=False),
        sa.Column("added_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client"),
    )
    op.create_table(
        "lti_deployments",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"], name=op.f("fk_lti_deployments_platform_id_lti_platforms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("platform_id", "deployment_id", name=op.f("pk_lti_deployments")),
    )
    op.create_table(
        "lti_launch_states",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.JSON(), nullable=False),
        sa.Column("created_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", learning.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"], name=op.f("fk_lti_launch_states_platform_id_lti_platforms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_lti_launch_states")),
    )
    with op.batch_alter_table("lti_launch_states", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_launch_states_created_at"), ["created_at"], unique=False)

    op.create_table(
        "lti_users",
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"], name=op.f("fk_lti_users_platform_id_lti_platforms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_users_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("platform_id", "subject", name=op.f("pk_lti_users")),
    )
    with op.batch_alter_table("lti_users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_users_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lti_contexts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("memberships_url", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["cohort_id"], ["cohorts.id"], name=op.f("fk_lti_contexts_cohort_id_cohorts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"], name=op.f("fk_lti_contexts_platform_id_lti_platforms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_contexts")),
        sa.UniqueConstraint("platform_id", "context_id", name="uq_lti_contexts_platform_context"),
    )
    with op.batch_alter_table("lti_contexts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_contexts_cohort_id"), ["cohort_id"], unique=False)

    op.create_table(
        "lti_context_learners",
        sa.Column("context_row_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["context_row_id"], ["lti_contexts.id"], name=op.f("fk_lti_context_learners_context_row_id_lti_contexts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_context_learners_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("context_row_id", "user_id", name=op.f("pk_lti_context_learners")),
    )
    op.create_table(
        "lti_resource_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", sa.String(length=255), nullable=False),
        sa.Column("context_row_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("quiz_id", sa.String(length=80), nullable=True),
        sa.Column("lesson_id", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["context_row_id"], ["lti_contexts.id"], name=op.f("fk_lti_resource_links_context_row_id_lti_contexts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"], name=op.f("fk_lti_resource_links_platform_id_lti_platforms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_resource_links")),
        sa.UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_links_platform_link"),
    )
    op.create_table(
        "lti_line_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("quiz_id", sa.String(length=80), nullable=False),
        sa.Column("resource_link_row_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["platform_id"], ["lti_platforms.id"], name=op.f("fk_lti_line_items_platform_id_lti_platforms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resource_link_row_id"],
            ["lti_resource_links.id"],
            name=op.f("fk_lti_line_items_resource_link_row_id_lti_resource_links"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_line_items")),
        sa.UniqueConstraint("platform_id", "url", name="uq_lti_line_items_platform_url"),
    )
    with op.batch_alter_table("lti_line_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_line_items_quiz_id"), ["quiz_id"], unique=False)

    op.create_table(
        "lti_line_item_learners",
        sa.Column("line_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_item_id"], ["lti_line_items.id"], name=op.f("fk_lti_line_item_learners_line_item_id_lti_line_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_line_item_learners_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("line_item_id", "user_id", name=op.f("pk_lti_line_item_learners")),
    )
    with op.batch_alter_table("lti_line_item_learners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_line_item_learners_user_id"), ["user_id"], unique=False)

    op.create_table(
        "lti_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=80), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("scored_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", learning.store.tables.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", learning.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", learning.store.tables.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_item_id"], ["lti_line_items.id"], name=op.f("fk_lti_scores_line_item_id_lti_line_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lti_scores_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_scores")),
    )
    with op.batch_alter_table("lti_scores", schema=None) as batch_op:
        batch_op.create_index("ix_lti_scores_state_next", ["state", "next_try_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lti_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_lti_scores_state_next")

    op.drop_table("lti_scores")
    with op.batch_alter_table("lti_line_item_learners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_line_item_learners_user_id"))

    op.drop_table("lti_line_item_learners")
    with op.batch_alter_table("lti_line_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_line_items_quiz_id"))

    op.drop_table("lti_line_items")
    op.drop_table("lti_resource_links")
    op.drop_table("lti_context_learners")
    with op.batch_alter_table("lti_contexts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_contexts_cohort_id"))

    op.drop_table("lti_contexts")
    with op.batch_alter_table("lti_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_users_user_id"))

    op.drop_table("lti_users")
    with op.batch_alter_table("lti_launch_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_launch_states_created_at"))

    op.drop_table("lti_launch_states")
    op.drop_table("lti_deployments")
    op.drop_table("lti_platforms")
