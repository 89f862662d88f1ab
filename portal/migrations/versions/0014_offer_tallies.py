"""Offers counted per contract year, contract, provider type and status, kept by triggers as
changes to sum; an index in the order of the offers lists

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa

from portal.models.tallies import create_triggers, drop_triggers


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'offer_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('policy_year', sa.Integer(), nullable=False),
        sa.Column('contract', sa.String(length=40), nullable=False),
        sa.Column('provider_type', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('offer_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_tallies_policy_year'), ['policy_year'], unique=False)
    create_triggers(op.get_bind())
    op.create_index('ix_offers_listing', 'offers', [sa.text('policy_year DESC'), 'deadline', 'id'])


def downgrade():
    op.drop_index('ix_offers_listing', table_name='offers')
    drop_triggers(op.get_bind())
    op.drop_table('offer_tallies')
