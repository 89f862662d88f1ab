"""The product register and medicine shortages with their versions and alternatives (seed 004)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 04:07:55.131209

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zindex', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('substance', sa.String(length=200), nullable=False),
    sa.Column('group_code', sa.String(length=60), nullable=False),
    sa.Column('supplier', sa.String(length=200), nullable=False),
    sa.Column('aip', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('import_exemption', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug'),
    sa.UniqueConstraint('zindex')
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_group_code'), ['group_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_products_substance'), ['substance'], unique=False)

    op.create_table('product_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('product_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_preferences_product_id'), ['product_id'], unique=False)

    op.create_table('shortages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('expected_end', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shortages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortages_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortages_state'), ['state'], unique=False)

    op.create_table('shortage_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shortage_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reported_by', sa.String(length=20), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('expected_end', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('drops_out', sa.Boolean(), nullable=False),
    sa.Column('temporary_preferred_id', sa.Integer(), nullable=True),
    sa.Column('price_article_id', sa.Integer(), nullable=True),
    sa.Column('sellout_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('patient_note', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('notified', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['price_article_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['shortage_id'], ['shortages.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['temporary_preferred_id'], ['products.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shortage_id', 'number', name='uq_shortage_versions_shortage_number')
    )
    with op.batch_alter_table('shortage_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortage_versions_effective_on'), ['effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortage_versions_shortage_id'), ['shortage_id'], unique=False)

    op.create_table('shortage_alternatives',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['shortage_versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'product_id')
    )


def downgrade():
    op.drop_table('shortage_alternatives')
    with op.batch_alter_table('shortage_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortage_versions_shortage_id'))
        batch_op.drop_index(batch_op.f('ix_shortage_versions_effective_on'))

    op.drop_table('shortage_versions')
    with op.batch_alter_table('shortages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortages_state'))
        batch_op.drop_index(batch_op.f('ix_shortages_product_id'))

    op.drop_table('shortages')
    with op.batch_alter_table('product_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_preferences_product_id'))

    op.drop_table('product_preferences')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_substance'))
        batch_op.drop_index(batch_op.f('ix_products_group_code'))

    op.drop_table('products')
