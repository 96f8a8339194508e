"""lesson board versions (issue 20): `lesson_board_version`, one row a lesson with the version of its
question board and of its featured reflections. The lesson page keeps these boxes as rendered, per
lesson, language and version; each write that changes a box bumps its counter in the same
transaction (courseware/models/boards.py). A row is written at 0 for every lesson there is, so that
a change to every lesson's boxes (a host named, a person erased) reaches them all.

Going down drops the table; nothing else changes.

Revision ID: 3e8a1c5b7d29
Revises: e4a8c2f6b1d9
Create Date: 2026-12-04 05:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3e8a1c5b7d29'
down_revision = 'e4a8c2f6b1d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lesson_board_version',
        sa.Column('lesson_id', sa.Integer(), nullable=False),
        sa.Column('questions', sa.Integer(), nullable=False),
        sa.Column('featured', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'],
                                name=op.f('fk_lesson_board_version_lesson_id_lesson'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('lesson_id', name=op.f('pk_lesson_board_version')),
    )
    op.execute("INSERT INTO lesson_board_version (lesson_id, questions, featured)"
               " SELECT id, 0, 0 FROM lesson")


def downgrade():
    op.drop_table('lesson_board_version')
