"""certificates that stay true: a certificate keeps the lessons and revisions it covers, its reading
time, who signed it and when it expires, and a newer one replaces it (superseded or renewed) instead
of a person having one certificate per course; a course has a validity, a refresh window and a
number of refresh questions; a refresh check per person; an assignment asks for completion or for a
refresh.

Every existing certificate stays valid as of now: it covers the lessons its holder has completed, on
the revisions they completed, with their reading time, and never expires (no course has a validity
yet). Going down keeps each person's latest certificate per course and drops the ones it replaced.

Revision ID: 5c1e7a9d2b40
Revises: 1a1ec64213bd
Create Date: 2026-12-03 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9d2b40'
down_revision = '1a1ec64213bd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validity_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('refresh_window_days', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('refresh_questions', sa.Integer(), server_default='8', nullable=False))

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=16), server_default='completion',
                                      nullable=False))

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='completion', nullable=False))
        batch_op.add_column(sa.Column('lessons', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reading_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('valid_from', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replaced_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('signatory_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('signatory_title', sa.String(length=120), nullable=True))
        batch_op.drop_constraint('uq_certificate_user_id_course_id', type_='unique')
        batch_op.create_foreign_key(batch_op.f('fk_certificate_replaced_by_id_certificate'), 'certificate',
                                    ['replaced_by_id'], ['id'])
        batch_op.create_index('ix_certificate_person_course', ['user_id', 'course_id', 'replaced_by_id'],
                              unique=False)

    op.create_table('refresh_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('correct_count', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_refresh_check_certificate_id_certificate')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_refresh_check_course_id_course')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_refresh_check_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_check'))
    )
    with op.batch_alter_table('refresh_check', schema=None) as batch_op:
        batch_op.create_index('ix_refresh_check_person_course', ['user_id', 'course_id', 'submitted_at'],
                              unique=False)
        batch_op.create_index('uq_refresh_check_one_open', ['user_id', 'course_id'], unique=True,
                              sqlite_where=sa.text('submitted_at IS NULL'),
                              postgresql_where=sa.text('submitted_at IS NULL'))

    op.execute("UPDATE certificate SET valid_from = issued_at")
    _describe_existing_certificates()


def _describe_existing_certificates():
    """What each existing certificate covers: its holder's completed lessons of the course (on the
    revisions they completed, with their titles) and reading time; signed by the first president."""
    connection = op.get_bind()
    president = connection.execute(sa.text(
        "SELECT full_name, title FROM user_account WHERE role = 'president' ORDER BY id LIMIT 1")).first()
    certificates = connection.execute(sa.text(
        "SELECT id, user_id, course_id FROM certificate")).fetchall()
    for certificate_id, user_id, course_id in certificates:
        rows = connection.execute(sa.text(
            "SELECT p.lesson_id, p.completed_revision_id, r.number, r.title, p.seconds_spent "
            "FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id "
            "LEFT JOIN lesson_revision r ON r.id = p.completed_revision_id "
            "WHERE p.user_id = :user_id AND l.course_id = :course_id AND p.completed_at IS NOT NULL "
            "ORDER BY l.position, l.id"), {"user_id": user_id, "course_id": course_id}).fetchall()
        lessons = [{"lesson_id": row[0], "revision_id": row[1], "number": row[2], "title": row[3]}
                   for row in rows]
        table = sa.table('certificate', sa.column('id', sa.Integer), sa.column('lessons', sa.JSON),
                         sa.column('reading_seconds', sa.Integer), sa.column('signatory_name', sa.String),
                         sa.column('signatory_title', sa.String))
        connection.execute(table.update().where(table.c.id == certificate_id).values(
            lessons=lessons, reading_seconds=sum(row[4] or 0 for row in rows),
            signatory_name=president[0] if president else None,
            signatory_title=president[1] if president else None))


def downgrade():
    op.execute("UPDATE assignment SET purpose = 'completion'")
    op.execute("DELETE FROM refresh_check")
    with op.batch_alter_table('refresh_check', schema=None) as batch_op:
        batch_op.drop_index('uq_refresh_check_one_open', sqlite_where=sa.text('submitted_at IS NULL'),
                            postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_index('ix_refresh_check_person_course')
    op.drop_table('refresh_check')

    # One certificate per person and course again: the latest, which nothing replaced.
    op.execute("DELETE FROM certificate WHERE replaced_at IS NOT NULL")
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_person_course')
        batch_op.drop_constraint(batch_op.f('fk_certificate_replaced_by_id_certificate'), type_='foreignkey')
        batch_op.create_unique_constraint('uq_certificate_user_id_course_id', ['user_id', 'course_id'])
        for column in ('signatory_title', 'signatory_name', 'replaced_at', 'replaced_by_id', 'expires_at',
                       'valid_from', 'reading_seconds', 'lessons', 'kind'):
            batch_op.drop_column(column)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('purpose')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('refresh_questions')
        batch_op.drop_column('refresh_window_days')
        batch_op.drop_column('validity_months')
