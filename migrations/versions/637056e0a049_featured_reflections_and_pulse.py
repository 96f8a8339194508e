"""featured reflections and the culture pulse (issue 21, part B): `reflection_feature` (the
president's request to show a shared reflection in its lesson, and its author's answer), `pulse` and
`pulse_question`, and the pulse's anonymous pair: `pulse_responder` (an HMAC token per person who
answered, no id) and `pulse_answer` (answers with no column naming a person, random uuid keys, a day
and no time). On SQLite both are WITHOUT ROWID tables, so that no hidden rowid keeps the order in which
they were written (courseware/models/feedback.py says why).

Going down drops the five tables: requests, pulses and their answers are lost.

Revision ID: 637056e0a049
Revises: 7c4e2b9a5d10
Create Date: 2026-12-04 00:52:37.719361

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '637056e0a049'
down_revision = '7c4e2b9a5d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pulse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse'))
    )
    op.create_table('pulse_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pulse_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], name=op.f('fk_pulse_question_pulse_id_pulse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_question'))
    )
    with op.batch_alter_table('pulse_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_question_pulse_id'), ['pulse_id'], unique=False)

    op.create_table('pulse_responder',
    sa.Column('pulse_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], name=op.f('fk_pulse_responder_pulse_id_pulse')),
    sa.PrimaryKeyConstraint('pulse_id', 'token', name=op.f('pk_pulse_responder')),
    sqlite_with_rowid=False
    )
    op.create_table('pulse_answer',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pulse_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_pulse_answer_department_id_department')),
    sa.ForeignKeyConstraint(['pulse_id'], ['pulse.id'], name=op.f('fk_pulse_answer_pulse_id_pulse')),
    sa.ForeignKeyConstraint(['question_id'], ['pulse_question.id'], name=op.f('fk_pulse_answer_question_id_pulse_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_answer')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('pulse_answer', schema=None) as batch_op:
        batch_op.create_index('ix_pulse_answer_question', ['pulse_id', 'question_id'], unique=False)

    op.create_table('reflection_feature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reflection_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_reflection_feature_lesson_id_lesson')),
    sa.ForeignKeyConstraint(['reflection_id'], ['practice_reflection.id'], name=op.f('fk_reflection_feature_reflection_id_practice_reflection')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_reflection_feature_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_reflection_feature_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflection_feature')),
    sa.UniqueConstraint('reflection_id', name=op.f('uq_reflection_feature_reflection_id'))
    )
    with op.batch_alter_table('reflection_feature', schema=None) as batch_op:
        batch_op.create_index('ix_reflection_feature_lesson', ['lesson_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_reflection_feature_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reflection_feature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflection_feature_user_id'))
        batch_op.drop_index('ix_reflection_feature_lesson')

    op.drop_table('reflection_feature')
    with op.batch_alter_table('pulse_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_pulse_answer_question')

    op.drop_table('pulse_answer')
    op.drop_table('pulse_responder')
    with op.batch_alter_table('pulse_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_question_pulse_id'))

    op.drop_table('pulse_question')
    op.drop_table('pulse')
