"""a time zone per person: `user_account.timezone` (an IANA name such as Europe/London; None, as for
every existing account, follows the company's COMPANY_TIMEZONE).

Going down drops it: people's chosen zones are lost (they read the company's again), every account
is kept.

Revision ID: 7d3a9e1c5b28
Revises: 7d3f1a2b9c04
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3a9e1c5b28'
down_revision = '7d3f1a2b9c04'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('timezone')
