"""Providers, profile scores, contracts held, users, offers, negotiation rounds, audit log,
notifications and the simulation clock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 22:24:27.579745

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.String(length=40), nullable=True),
    sa.Column('to_state', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity_id'), ['entity_id'], unique=False)

    op.create_table('providers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agb', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('provider_type', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('region', sa.String(length=100), nullable=False),
    sa.Column('kvk', sa.String(length=8), nullable=False),
    sa.Column('agb_start', sa.Date(), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=False),
    sa.Column('collective', sa.String(length=200), nullable=True),
    sa.Column('size_rank', sa.Integer(), nullable=True),
    sa.Column('riz_contra_indication', sa.Boolean(), nullable=False),
    sa.Column('improvement_agreements', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agb')
    )
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_providers_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_providers_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_providers_provider_type'), ['provider_type'], unique=False)

    op.create_table('simulation_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('today', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('contracts_held',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('contract', sa.String(length=40), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider_id', 'contract', 'start', name='uq_contracts_held_provider_contract_start')
    )
    with op.batch_alter_table('contracts_held', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_held_provider_id'), ['provider_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_provider_id'), ['provider_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('contract', sa.String(length=40), nullable=False),
    sa.Column('policy_year', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('negotiable', sa.Boolean(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('final_channel', sa.String(length=20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('batch', sa.String(length=80), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document_versions.id'], ),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider_id', 'contract', 'policy_year', name='uq_offers_provider_contract_year')
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_contract'), ['contract'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_status'), ['status'], unique=False)

    op.create_table('profile_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kwaliteit', sa.Float(), nullable=False),
    sa.Column('klantbeleving', sa.Float(), nullable=False),
    sa.Column('kosten', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider_id', 'year', name='uq_profile_scores_provider_year')
    )
    with op.batch_alter_table('profile_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_scores_provider_id'), ['provider_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_provider_id'), ['provider_id'], unique=False)

    op.create_table('negotiation_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=20), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document_versions.id'], ),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('offer_id', 'number', name='uq_negotiation_rounds_offer_number')
    )
    with op.batch_alter_table('negotiation_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_negotiation_rounds_offer_id'), ['offer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('negotiation_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_negotiation_rounds_offer_id'))

    op.drop_table('negotiation_rounds')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_provider_id'))

    op.drop_table('users')
    with op.batch_alter_table('profile_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_scores_provider_id'))

    op.drop_table('profile_scores')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offers_status'))
        batch_op.drop_index(batch_op.f('ix_offers_provider_id'))
        batch_op.drop_index(batch_op.f('ix_offers_deadline'))
        batch_op.drop_index(batch_op.f('ix_offers_contract'))
        batch_op.drop_index(batch_op.f('ix_offers_batch'))

    op.drop_table('offers')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_provider_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('contracts_held', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_held_provider_id'))

    op.drop_table('contracts_held')
    op.drop_table('simulation_clock')
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_providers_provider_type'))
        batch_op.drop_index(batch_op.f('ix_providers_name'))
        batch_op.drop_index(batch_op.f('ix_providers_city'))

    op.drop_table('providers')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_entity_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
