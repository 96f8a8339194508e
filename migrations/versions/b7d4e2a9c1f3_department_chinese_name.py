"""a department's Chinese name (issue 19): `department.name_zh`, shown on Chinese pages in place of
`name` (None, as for every existing department, shows `name` in every language).

Going down drops the column: the Chinese names are lost, the departments stay.

Revision ID: b7d4e2a9c1f3
Revises: 3e8a1c6f0d27
Create Date: 2026-12-04 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d4e2a9c1f3'
down_revision = '3e8a1c6f0d27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_zh', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('name_zh')
