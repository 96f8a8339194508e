"""one-time passwords and failed sign-ins (issue 18): `user_account.password_is_temporary` and
`password_expires_at` (a password HR issued: it signs in only until then, and only to choose one's
own), and `failed_sign_in` (failed password sign-ins counted by username and by address, shared by
every worker and machine). Existing passwords are the people's own (not temporary).

Going down drops them: one-time passwords still set work as ordinary passwords again, the counts of
failed sign-ins are lost.

Revision ID: 3e8a1c6f0d27
Revises: d1c5e7a9b3f2
Create Date: 2026-12-03 20:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e8a1c6f0d27'
down_revision = 'd1c5e7a9b3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('failed_sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_sign_in'))
    )
    with op.batch_alter_table('failed_sign_in', schema=None) as batch_op:
        batch_op.create_index('ix_failed_sign_in_address_at', ['address', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_sign_in_at'), ['at'], unique=False)
        batch_op.create_index('ix_failed_sign_in_username_at', ['username', 'at'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_is_temporary', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('password_expires_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('password_expires_at')
        batch_op.drop_column('password_is_temporary')

    with op.batch_alter_table('failed_sign_in', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_sign_in_username_at')
        batch_op.drop_index(batch_op.f('ix_failed_sign_in_at'))
        batch_op.drop_index('ix_failed_sign_in_address_at')

    op.drop_table('failed_sign_in')
