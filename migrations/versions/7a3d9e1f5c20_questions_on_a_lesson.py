"""questions on a lesson (issue 21): `lesson_question` (a person's question under a lesson, its
Markdown and sanitized HTML, asked anonymously or not, hidden with a reason), `question_answer` (the
president's and the hosts' answers, pinned into the lesson or not), `question_me_too` ("I have this
question too", one a person a question) and `question_host` (who answers beside the president).

Going down drops the four tables: the questions and answers are lost.

Revision ID: 7a3d9e1f5c20
Revises: 637056e0a049
Create Date: 2026-12-04 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3d9e1f5c20'
down_revision = '637056e0a049'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lesson_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=300), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user_account.id'],
                            name=op.f('fk_lesson_question_hidden_by_id_user_account')),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_question_lesson_id_lesson')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_lesson_question_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_question'))
    )
    with op.batch_alter_table('lesson_question', schema=None) as batch_op:
        batch_op.create_index('ix_lesson_question_lesson', ['lesson_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_question_user_id'), ['user_id'], unique=False)

    op.create_table('question_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('pinned_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                            name=op.f('fk_question_answer_author_id_user_account')),
    sa.ForeignKeyConstraint(['question_id'], ['lesson_question.id'],
                            name=op.f('fk_question_answer_question_id_lesson_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answer'))
    )
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answer_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_answer_question_id'), ['question_id'], unique=False)

    op.create_table('question_me_too',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['lesson_question.id'],
                            name=op.f('fk_question_me_too_question_id_lesson_question')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_question_me_too_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_me_too')),
    sa.UniqueConstraint('question_id', 'user_id', name=op.f('uq_question_me_too_question_id_user_id'))
    )
    with op.batch_alter_table('question_me_too', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_me_too_user_id'), ['user_id'], unique=False)

    op.create_table('question_host',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user_account.id'],
                            name=op.f('fk_question_host_added_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_question_host_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_host')),
    sa.UniqueConstraint('user_id', name=op.f('uq_question_host_user_id'))
    )


def downgrade():
    op.drop_table('question_host')
    with op.batch_alter_table('question_me_too', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_me_too_user_id'))
    op.drop_table('question_me_too')
    with op.batch_alter_table('question_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_answer_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_answer_author_id'))
    op.drop_table('question_answer')
    with op.batch_alter_table('lesson_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_question_user_id'))
        batch_op.drop_index('ix_lesson_question_lesson')
    op.drop_table('lesson_question')
