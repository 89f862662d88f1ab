"""One open shortage per product: a partial unique index on shortages (product_id)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 04:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OPEN = sa.text("state != 'opgelost'")


def upgrade():
    op.create_index('uq_shortages_open_product', 'shortages', ['product_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('uq_shortages_open_product', table_name='shortages')
