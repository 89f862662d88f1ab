"""The policy lab: variants of a year's policy (every saved version) and the comparisons
managers ask for

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 18:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'policy_variants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('base', sa.String(length=60), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('saved_by', sa.String(length=200), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'version', name='uq_policy_variants_version'))
    op.create_index('ix_policy_variants_name', 'policy_variants', ['name'])
    op.create_table(
        'lab_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('bases', sa.JSON(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('comparison', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['variant_id'], ['policy_variants.id']),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_lab_runs_variant_id', 'lab_runs', ['variant_id'])
    op.create_index('ix_lab_runs_status', 'lab_runs', ['status'])


def downgrade():
    op.drop_index('ix_lab_runs_status', table_name='lab_runs')
    op.drop_index('ix_lab_runs_variant_id', table_name='lab_runs')
    op.drop_table('lab_runs')
    op.drop_index('ix_policy_variants_name', table_name='policy_variants')
    op.drop_table('policy_variants')
