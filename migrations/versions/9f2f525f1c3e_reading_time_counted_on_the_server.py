"""reading time counted on the server: lesson_progress.reading_counted_at, up to when a person's
reading time has been counted (the next count starts at the later of it and last_opened_at, so no
interval counts twice). Existing rows start with NULL: their next count starts at their last opening.
Going down drops the column; seconds_spent keeps what was counted.

Revision ID: 9f2f525f1c3e
Revises: b3e053993982
Create Date: 2026-12-03 14:18:33.961428

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9f2f525f1c3e'
down_revision = 'b3e053993982'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading_counted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_column('reading_counted_at')
