"""authoring: a revision's module, the kind of a scheduled publication, imported files

Revision ID: c02841bd1b0c
Revises: 6205f51b634d
Create Date: 2026-11-25 13:32:34.556490

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c02841bd1b0c'
down_revision = '6205f51b634d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_file',
    sa.Column('path', sa.String(length=1024), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('path', name=op.f('pk_content_file'))
    )
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheduled_material', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('module_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_lesson_revision_module_id_course_module'), 'course_module', ['module_id'], ['id'])
    # Every existing revision was written for the module its lesson is in now.
    op.execute(
        "UPDATE lesson_revision SET module_id = "
        "(SELECT lesson.module_id FROM lesson WHERE lesson.id = lesson_revision.lesson_id)"
    )


def downgrade():
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_lesson_revision_module_id_course_module'), type_='foreignkey')
        batch_op.drop_column('module_id')
        batch_op.drop_column('scheduled_material')

    op.drop_table('content_file')
