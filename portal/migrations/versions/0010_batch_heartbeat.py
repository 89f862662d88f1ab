"""Issue batches: the running worker's heartbeat, so a batch of a killed worker is taken up again

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('issue_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('issue_batches', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
