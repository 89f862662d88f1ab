"""Rate limit counts in the database, shared by every web process and instance where no Redis is
given

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_limit_counts',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'))
    with op.batch_alter_table('rate_limit_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counts_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limit_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counts_expires_at'))
    op.drop_table('rate_limit_counts')
