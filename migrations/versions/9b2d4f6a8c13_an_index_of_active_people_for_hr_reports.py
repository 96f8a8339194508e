"""an index of active people for hr reports (issue 20): `ix_user_account_active_people` on
user_account (active, id, department_id). The overview counts every active person by department
and state, and the People list counts the people its filters keep: both then read this small index
in id order (joined to the progress totals, also in person order) instead of the whole table, whose
rows carry password hashes and sessions.

Going down drops the index; nothing else changes.

Revision ID: 9b2d4f6a8c13
Revises: 7c4e2b9d1a05
Create Date: 2026-12-04 04:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9b2d4f6a8c13'
down_revision = '7c4e2b9d1a05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_active_people', ['active', 'id', 'department_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_active_people')
