"""reporting lines, department heads and external identities (issue 17): `user_account.manager_id`
(a person's line manager), `department.head_id`, and `external_identity` (an account at the company's
identity provider that signs in as a person: unique per provider and subject, and per provider and
person). Every new column is empty for existing rows.

Going down drops them: reporting lines, heads and links to the identity provider are lost, every
person, department and their history is kept.

Revision ID: fb0ad0302735
Revises: 92a81bcd805f
Create Date: 2026-12-03 17:42:11.592634

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fb0ad0302735'
down_revision = '92a81bcd805f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_external_identity_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identity')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_external_identity_provider_subject')),
    sa.UniqueConstraint('provider', 'user_id', name=op.f('uq_external_identity_provider_user_id'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_department_head_id_user_account'), 'user_account', ['head_id'], ['id'])

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manager_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_manager_id'), ['manager_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_account_manager_id_user_account'), 'user_account', ['manager_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_manager_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_manager_id'))
        batch_op.drop_column('manager_id')

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_department_head_id_user_account'), type_='foreignkey')
        batch_op.drop_column('head_id')

    op.drop_table('external_identity')
