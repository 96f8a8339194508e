"""The migration tests' shared harness: a scratch database of their own (going down to nothing
disturbs no other test), the app on it at a revision, and the few looks at the schema they take.

Every migration test starts from an empty database at some revision. Building it ran every migration
before that one again, in each test. On SQLite, each revision reached is kept as a file for the run:
a test starts from a copy, and a later revision is built from the nearest one kept, so each migration
runs up once per run to build them. PostgreSQL builds each test's schema from nothing, as before.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade

from courseware import create_app
from courseware.config import PROJECT_ROOT
from courseware.extensions import db
from courseware.services.people import page_versions
from tests.db_reset import scratch_folder

MIGRATIONS = ScriptDirectory(str(PROJECT_ROOT / "migrations"))


def down_revision_of(revision: str) -> str | tuple[str, ...] | None:
    """The revision a migration follows (each test checks its migration follows main's last one)."""
    return MIGRATIONS.get_revision(revision).down_revision


@pytest.fixture(scope="session")
def _revision_files(tmp_path_factory) -> Iterator[tuple[Path, dict[str, Path]]]:
    with scratch_folder(tmp_path_factory, "revisions") as folder:
        yield folder, {}


class ScratchDatabase(dict):
    """The app's settings for the scratch database; on SQLite, with where revisions are kept."""

    revision_files: tuple[Path, dict[str, Path], Path] | None = None


@pytest.fixture
def scratch_database(tmp_path, monkeypatch, _revision_files) -> Iterator[ScratchDatabase]:
    """The settings of an empty database of the test's own (SQLite, or a schema of PostgreSQL)."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        folder, kept = _revision_files
        path = folder / f"scratch-{uuid.uuid4().hex[:10]}.db"
        settings = ScratchDatabase(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
        settings.revision_files = (folder, kept, path)
        yield settings
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return
    schema = f"cw_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield ScratchDatabase(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={
        "connect_args": {"options": f"-csearch_path={schema}"}})
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@contextmanager
def migrated(scratch_database: ScratchDatabase, revision: str = "head") -> Iterator[Flask]:
    """The app's context on the scratch database, empty at `revision`; closed afterwards."""
    files = scratch_database.revision_files
    app = create_app({"TESTING": True, "SECRET_KEY": "x", **scratch_database})
    with app.app_context():
        if files:
            _copy_of_revision(*files, revision=revision)
        else:
            upgrade(revision=revision)
        try:
            # Rows written at an old revision raise no page version: its table may not exist yet.
            with page_versions.quiet():
                yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _copy_of_revision(folder: Path, kept: dict[str, Path], path: Path, revision: str) -> None:
    """Make the SQLite file at `path` a copy of the empty database at `revision`, building and keeping
    that revision from the nearest earlier one kept."""
    target = MIGRATIONS.get_revision(revision)
    assert target is not None, revision
    ancestors = [script.revision for script in MIGRATIONS.iterate_revisions(target.revision, "base")]
    start = next((kept[name] for name in ancestors if name in kept), None)
    db.engine.dispose()
    if start is not None:
        shutil.copyfile(start, path)
    if target.revision not in kept:
        upgrade(revision=target.revision)
        db.engine.dispose()  # closed: the file holds every change (no write-ahead log left)
        kept[target.revision] = folder / f"revision-{target.revision}.db"
        shutil.copyfile(path, kept[target.revision])


def columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def rows(sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]
