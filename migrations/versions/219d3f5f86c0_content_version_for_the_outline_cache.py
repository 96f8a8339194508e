"""content version for the outline cache

Revision ID: 219d3f5f86c0
Revises: 67475a246837
Create Date: 2026-11-25 14:06:00.262304

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '219d3f5f86c0'
down_revision = '67475a246837'
branch_labels = None
depends_on = None


def upgrade():
    # No row yet: the first change to published content creates it (services/outline_cache).
    op.create_table('content_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_version'))
    )


def downgrade():
    op.drop_table('content_version')
