"""Outgoing mail refused for good: a count of refusals and when the mail was given up

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 04:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refusals', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('refused_at')
        batch_op.drop_column('refusals')
