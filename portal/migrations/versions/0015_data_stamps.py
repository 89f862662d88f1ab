"""A stamp per kind of data the portal keeps worked out in memory (the profile scores), set by
triggers on every change

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 14:30:00

"""
from alembic import op
import sqlalchemy as sa

from portal.models.stamps import create_triggers, drop_triggers


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_stamps',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stamp', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('name'))
    create_triggers(op.get_bind())


def downgrade():
    drop_triggers(op.get_bind())
    op.drop_table('data_stamps')
