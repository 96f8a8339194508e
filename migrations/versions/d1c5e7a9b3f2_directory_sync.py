"""directory sync (issue 17): `user_account.mobile` (a person's mobile number from the company's
directory), `department.directory_source` and `directory_id` (the directory a department is synced
from and its id there, unique together), and `directory_record` (per person, the values the last sync
wrote, so that a field edited by hand since is kept). Every new column is empty for existing rows.

Going down drops them: mobile numbers, the departments' directory ids and the sync records are lost;
every person, department and their history is kept.

Revision ID: d1c5e7a9b3f2
Revises: 5e1a7c9d2b40
Create Date: 2026-12-03 20:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1c5e7a9b3f2'
down_revision = '5e1a7c9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('directory_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('synced_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_directory_record_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_record')),
    sa.UniqueConstraint('user_id', name=op.f('uq_directory_record_user_id'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directory_source', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('directory_id', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_department_directory_source_directory_id'), ['directory_source', 'directory_id'])

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('mobile')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_department_directory_source_directory_id'), type_='unique')
        batch_op.drop_column('directory_id')
        batch_op.drop_column('directory_source')

    op.drop_table('directory_record')
