"""Document versions: every rendered contract document with its hash and context.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 21:59:02.501484

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_key', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('contract', sa.String(length=40), nullable=False),
    sa.Column('policy_year', sa.Integer(), nullable=False),
    sa.Column('provider_agb', sa.String(length=8), nullable=False),
    sa.Column('provider_name', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=160), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('template_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_key', 'version', name='uq_document_versions_key_version')
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_document_key'), ['document_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_provider_agb'), ['provider_agb'], unique=False)



def downgrade():
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_provider_agb'))
        batch_op.drop_index(batch_op.f('ix_document_versions_document_key'))

    op.drop_table('document_versions')
