"""quiz draws, review policy and learning objectives: a lesson revision's objectives (JSON, None
for every existing one); a quiz version's questions per attempt (`draw`, None: the default) and
review policy ('after_pass' for every existing one); an attempt's draw (question ids, option order,
seed; None for existing attempts, which keep asking every question in file order).

Going down drops them: attempts then show every question of their version, as before draws (their
score, counted over the questions they drew, is kept).

Revision ID: 1d0d23f8ae72
Revises: 9f2f525f1c3e
Create Date: 2026-12-03 14:19:16.492382

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1d0d23f8ae72'
down_revision = '9f2f525f1c3e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objectives', sa.JSON(), nullable=True))

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_ids', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('option_order', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('draw_seed', sa.Integer(), nullable=True))

    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_policy', sa.String(length=16), server_default='after_pass', nullable=False))


def downgrade():
    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.drop_column('review_policy')
        batch_op.drop_column('draw')

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('draw_seed')
        batch_op.drop_column('option_order')
        batch_op.drop_column('question_ids')

    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.drop_column('objectives')
