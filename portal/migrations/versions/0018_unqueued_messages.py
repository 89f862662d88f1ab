"""A partial index on the messages whose e-mail is still to be made, so the mail queue's claim
reads those and not every message ever sent

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 22:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    unqueued = sa.text("emailed_at IS NULL")
    op.create_index("ix_notifications_unqueued", "notifications", ["id"],
                    postgresql_where=unqueued, sqlite_where=unqueued)


def downgrade():
    op.drop_index("ix_notifications_unqueued", table_name="notifications")
