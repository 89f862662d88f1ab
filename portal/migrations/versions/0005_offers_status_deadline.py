"""An index on offers (status, deadline) for the scheduler's scan over open deadlines

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:00:00

"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ix_offers_status_deadline', ['status', 'deadline'], unique=False)


def downgrade():
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('ix_offers_status_deadline')
