"""a lesson revision's team discussion guide: `discussion` (JSON, None for every existing revision:
front matter `discussion:`, courseware.content.discussion).

Going down drops it: the guides are lost, the revisions and everything else are kept.

Revision ID: 4b7e9c2d5a10
Revises: 5c1e7a9d2b40
Create Date: 2026-12-03 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7e9c2d5a10'
down_revision = '5c1e7a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discussion', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.drop_column('discussion')
