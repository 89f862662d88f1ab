"""Consent and authorisation requests for import medicines (seed 000)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('substance', sa.String(length=200), nullable=False),
    sa.Column('brand', sa.String(length=200), nullable=False),
    sa.Column('zindex_number', sa.String(length=8), nullable=True),
    sa.Column('gstandaard_status', sa.String(length=20), nullable=True),
    sa.Column('importer', sa.String(length=200), nullable=True),
    sa.Column('indication', sa.String(length=300), nullable=False),
    sa.Column('insured_initials', sa.String(length=20), nullable=False),
    sa.Column('insured_birth_date', sa.Date(), nullable=False),
    sa.Column('patient_reference', sa.String(length=40), nullable=False),
    sa.Column('prescriber', sa.String(length=200), nullable=False),
    sa.Column('prescriber_agb', sa.String(length=8), nullable=False),
    sa.Column('substantiation', sa.Text(), nullable=False),
    sa.Column('rational_pharmacotherapy', sa.Boolean(), nullable=False),
    sa.Column('prevalence_one_in', sa.Integer(), nullable=False),
    sa.Column('igj_reference', sa.String(length=100), nullable=False),
    sa.Column('prescription_filename', sa.String(length=200), nullable=False),
    sa.Column('prescription_type', sa.String(length=50), nullable=False),
    sa.Column('prescription_size', sa.Integer(), nullable=False),
    sa.Column('prescription_sha256', sa.String(length=64), nullable=False),
    sa.Column('prescription', sa.LargeBinary(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('handled_by', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_requests_answer_due'), ['answer_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_requests_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_requests_status'), ['status'], unique=False)
        batch_op.create_index('ix_consent_requests_status_answer_due', ['status', 'answer_due'], unique=False)


def downgrade():
    with op.batch_alter_table('consent_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_requests_status_answer_due')
        batch_op.drop_index(batch_op.f('ix_consent_requests_status'))
        batch_op.drop_index(batch_op.f('ix_consent_requests_provider_id'))
        batch_op.drop_index(batch_op.f('ix_consent_requests_answer_due'))

    op.drop_table('consent_requests')
