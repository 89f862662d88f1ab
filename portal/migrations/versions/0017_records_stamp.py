"""The `records` stamp: changed by triggers on every table the pages show, read with the session's
user, so a page kept in memory is served without reading a row (portal/models/stamps.py)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 21:30:00

"""
from alembic import op

from portal.models.stamps import create_records_triggers, drop_records_triggers


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

#: The tables of the schema at 0016 but those of portal.models.stamps.UNSTAMPED. A later migration
#: that adds a table the pages show adds its triggers (stamps.add_records_triggers).
TABLES = [
    "users", "document_versions", "products", "product_preferences", "shortages",
    "shortage_versions", "shortage_alternatives", "offers", "negotiation_rounds",
    "notifications", "simulation_clock", "applications", "attachments", "issue_batches",
    "providers", "profile_scores", "contracts_held", "policy_variants", "scheduler_state",
    "outgoing_mail", "consent_requests",
]


def upgrade():
    create_records_triggers(op.get_bind(), TABLES)


def downgrade():
    drop_records_triggers(op.get_bind(), TABLES)
