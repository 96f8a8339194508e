"""personal data (issue 18): `user_account.deactivated_at` (when the account was deactivated: the
retention period before erasure counts from here) and `user_account.erased_at` (when the person was
erased, i.e. pseudonymized).

Accounts already inactive get `deactivated_at` from the latest `account.deactivate` entry of the audit
trail about them, else the time of the migration, so that nobody is erased earlier than the retention
period allows.

Going down drops both columns: erased accounts stay pseudonymized.

Revision ID: 5e1a7c9d2b40
Revises: fb0ad0302735
Create Date: 2026-12-03 20:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a7c9d2b40'
down_revision = 'fb0ad0302735'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE user_account SET deactivated_at = (SELECT max(audit_event.at) FROM audit_event"
        " WHERE audit_event.action = 'account.deactivate' AND audit_event.target = user_account.username)"
        " WHERE active = false")
    # Now in UTC, as every stored time (SQLite's CURRENT_TIMESTAMP is UTC; PostgreSQL's follows the session).
    now = "timezone('utc', now())" if op.get_bind().dialect.name == "postgresql" else "CURRENT_TIMESTAMP"
    op.execute(f"UPDATE user_account SET deactivated_at = {now}"
               " WHERE active = false AND deactivated_at IS NULL")


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('deactivated_at')
