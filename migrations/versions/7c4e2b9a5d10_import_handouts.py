"""an import's one-time passwords for its CSV and hand-out sheets (issue 19): `import_handout`, one
row per import, encrypted with a key only the importing HR user's session holds, deleted when the CSV
is downloaded or after 15 minutes.

Going down drops it: the CSV and hand-out sheets of an import of the last 15 minutes are lost (the
passwords were shown on the import's page).

Revision ID: 7c4e2b9a5d10
Revises: b7d4e2a9c1f3
Create Date: 2026-12-04 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c4e2b9a5d10'
down_revision = 'b7d4e2a9c1f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_handout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_import_handout_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_handout'))
    )
    with op.batch_alter_table('import_handout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_handout_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_handout_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('import_handout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_handout_user_id'))
        batch_op.drop_index(batch_op.f('ix_import_handout_expires_at'))

    op.drop_table('import_handout')
