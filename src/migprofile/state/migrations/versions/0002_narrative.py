"""The narrative's review: which agency writes each section, its status, the texts it
replaced and the reviewers' comments.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "narrative_sections",
        sa.Column("section", sa.String(64), primary_key=True),
        sa.Column("agency", sa.String(64), sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("changed_at", WHEN, nullable=True),
        sa.Column("changed_by", sa.String(320), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'approved')", name="narrative_status"),
    )
    op.create_table(
        "narrative_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("section", sa.String(64), nullable=False, index=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("previous", sa.Text, nullable=False),
    )
    op.create_table(
        "narrative_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("section", sa.String(64), nullable=False, index=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("narrative_comments", "narrative_revisions", "narrative_sections"):
        op.drop_table(table)
