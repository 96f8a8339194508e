"""page versions (issue 20): `user_account.page_version`, each person's, and `shared_page_version`,
one row shared by everyone (written by the first write that raises it: a new database stays empty). The signed-in pages kept as rendered (courseware/page_cache.py) are
kept under them; every write raises the person's version or the shared one in its own transaction
(courseware/services/people/page_versions.py).

Going down drops the column and the table; nothing else changes.

Revision ID: 5b9e3d7f2a61
Revises: 3e8a1c5b7d29
Create Date: 2026-12-04 12:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b9e3d7f2a61'
down_revision = '3e8a1c5b7d29'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), server_default='0', nullable=False))
    op.create_table(
        'shared_page_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='0', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shared_page_version')),
    )


def downgrade():
    op.drop_table('shared_page_version')
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('page_version')
