"""The migrations build exactly the models' schema, and go down and up again keeping data."""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from courseware import create_app
from courseware.extensions import db
from courseware.services.content_import import import_content
from courseware.services.demo import seed_demo
from tests.conftest import TEST_LESSONS, TEST_QUIZZES


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.fixture
def scratch_database(tmp_path, monkeypatch):
    """A database of its own, so that going down to nothing disturbs no other test."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.db'}"}
        return
    schema = f"cw_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield {"SQLALCHEMY_DATABASE_URI": url,
           "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables}


def test_upgrade_then_downgrade_then_upgrade(scratch_database):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        upgrade()
        import_content(db.session, TEST_LESSONS, TEST_QUIZZES)
        seed_demo(db.session, password="demo password 1")
        before = _counts()
        assert before["lesson"] == 2 and before["user_account"] == 12
        db.session.remove()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _counts() == {name: 0 for name in before}
        db.engine.dispose()
