"""SQLite's writers pass a gate in turn (courseware/sqlite_writes.py): within a process and across
processes, from a transaction's first write to its commit or rollback, and a gate held too long is
passed by, never waited on forever."""
from __future__ import annotations

import logging
import multiprocessing
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

from courseware import sqlite_writes
from courseware.extensions import db
from courseware.sqlite_writes import GatedConnection, WriteGate, engine_options, writes


@pytest.fixture
def engine(tmp_path):
    """A file database with the gate, as the app's engine gets it, and a table to write to."""
    options = engine_options(f"sqlite:///{tmp_path / 'gate.db'}", {"pool_pre_ping": True})
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'gate.db'}", poolclass=QueuePool, **options)
    with engine.begin() as connection:
        connection.execute(sa.text("PRAGMA journal_mode=WAL"))
        connection.execute(sa.text("CREATE TABLE entry (id INTEGER PRIMARY KEY, who TEXT)"))
    yield engine
    engine.dispose()


def _gate(engine) -> WriteGate:
    with engine.connect() as connection:
        return connection.connection.dbapi_connection.gate


def test_statements_that_write_are_told_apart():
    assert writes("INSERT INTO entry VALUES (1)") and writes("  update entry SET who = 'a'")
    assert writes("DELETE FROM entry") and writes("REPLACE INTO entry VALUES (1, 'a')")
    assert writes("WITH gone AS (SELECT 1) DELETE FROM entry WHERE id IN (SELECT * FROM gone)")
    assert not writes("SELECT * FROM entry WHERE who = 'UPDATE'")
    assert not writes("WITH recent AS (SELECT 1) SELECT * FROM recent")
    assert not writes("SAVEPOINT sa_savepoint_1") and not writes("PRAGMA foreign_keys=ON")


def test_only_a_sqlite_file_gets_the_gate_and_loses_the_ping(tmp_path):
    options = {"pool_pre_ping": True}
    assert engine_options("postgresql+psycopg://u@h/db", options) == options
    assert engine_options("sqlite://", options) == options
    assert engine_options("sqlite:///:memory:", options) == options
    gated = engine_options(f"sqlite:///{tmp_path / 'a.db'}",
                           {"pool_pre_ping": True, "connect_args": {"x": 1}})
    assert "pool_pre_ping" not in gated and gated["connect_args"]["x"] == 1
    assert issubclass(gated["connect_args"]["factory"], GatedConnection)


def test_the_apps_engine_on_a_file_has_the_gate(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the gate is SQLite's")
    with db.engine.connect() as connection:
        assert isinstance(connection.connection.dbapi_connection, GatedConnection)


def test_a_second_writer_waits_for_the_first_commit_and_nothing_fails(engine):
    """The gate is held from the first write to the commit: the second thread's write lands after."""
    order: list[str] = []
    first_wrote, second_started = threading.Event(), threading.Event()

    def first():
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO entry (who) VALUES ('first')"))
            first_wrote.set()
            second_started.wait(5)
            time.sleep(0.2)  # the second is at the gate meanwhile
            order.append("first commits")

    def second():
        first_wrote.wait(5)
        with engine.begin() as connection:
            second_started.set()
            connection.execute(sa.text("INSERT INTO entry (who) VALUES ('second')"))
            order.append("second wrote")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second wrote"]
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT who FROM entry ORDER BY id")).scalars().all() == [
            "first", "second"]
    assert (_gate(engine).passed, _gate(engine).timed_out) == (2, 0)


def test_reads_do_not_wait_for_a_writer(engine):
    with engine.begin() as writer:
        writer.execute(sa.text("INSERT INTO entry (who) VALUES ('pending')"))
        started = time.monotonic()
        with engine.connect() as reader:
            assert reader.execute(sa.text("SELECT count(*) FROM entry")).scalar() == 0
        assert time.monotonic() - started < 1


@pytest.mark.parametrize("ending", ["rollback", "error", "close"])
def test_the_gate_is_given_back_however_the_transaction_ends(engine, ending):
    gate = _gate(engine)
    gate.timeout = 0.5
    connection = engine.connect()
    connection.begin()
    connection.execute(sa.text("INSERT INTO entry (who) VALUES ('a')"))
    if ending == "rollback":
        connection.rollback()
    elif ending == "error":
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(sa.text("INSERT INTO entry (id, who) VALUES (1, 'b'), (1, 'c')"))
        connection.rollback()
    connection.close()  # back to the pool, which rolls back what is left
    with engine.begin() as other:
        other.execute(sa.text("INSERT INTO entry (who) VALUES ('next')"))
    assert gate.timed_out == 0


def test_autocommit_writes_leave_the_gate_alone(engine):
    """Each is a transaction of its own, with no commit to give the gate back: SQLite waits for them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("INSERT INTO entry (who) VALUES ('a')"))
        connection.execute(sa.text("INSERT INTO entry (who) VALUES ('b')"))
        with engine.begin() as other:  # not kept waiting by the idle connection above
            other.execute(sa.text("INSERT INTO entry (who) VALUES ('c')"))
    assert (_gate(engine).passed, _gate(engine).timed_out) == (1, 0)


def test_a_lock_file_that_cannot_be_opened_leaves_writes_to_sqlite_and_says_so_once(engine, caplog):
    """A lock file made by another user (a command run as root) must not stop every write."""
    gate = _gate(engine)
    gate.lock_file = gate.lock_file.parent / "missing-folder" / "db-writers.lock"
    with caplog.at_level(logging.WARNING, logger="courseware.sqlite_writes"):
        for who in ("a", "b"):
            with engine.begin() as connection:
                connection.execute(sa.text("INSERT INTO entry (who) VALUES (:who)"), {"who": who})
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM entry")).scalar() == 2
    assert [r.getMessage() for r in caplog.records if "write gate" in r.getMessage()][0].startswith(
        "the SQLite write gate")
    assert len([r for r in caplog.records if "write gate" in r.getMessage()]) == 1 and gate.passed == 0


def _hold_lock_file(lock_file: str, held, release) -> None:
    gate = WriteGate(sqlite_writes.Path(lock_file))
    assert gate.acquire()
    held.set()
    release.wait(10)
    gate.release()


def test_another_process_holding_the_gate_is_waited_for_then_passed_by(engine, tmp_path):
    """A process that keeps the gate (a debugger, a long import) delays writers by the timeout at
    most: they go on to SQLite, whose own lock is free, and their write lands."""
    gate = _gate(engine)
    gate.timeout = 0.3
    context = multiprocessing.get_context("fork")
    held, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock_file, args=(str(gate.lock_file), held, release))
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO entry (who) VALUES ('passed by')"))
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(10)
    assert 0.3 <= waited < 3 and gate.timed_out == 1
    with engine.begin() as connection:  # given back by the other process: passed at once
        connection.execute(sa.text("INSERT INTO entry (who) VALUES ('after')"))
    assert gate.timed_out == 1 and gate.passed >= 1


def _acquire_in_child(gate: WriteGate, result) -> None:
    result.put(gate.acquire())


def test_a_forked_worker_opens_its_own_lock_file(tmp_path):
    """Workers forked from a process that used the gate must not share its lock."""
    gate = WriteGate(tmp_path / "db-writers.lock", timeout=0.3)
    assert gate.acquire()
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=_acquire_in_child, args=(gate, result))
    gate._threads.release()  # the child inherits the thread lock's state; only the file lock is tested
    child.start()
    child.join(10)
    assert result.get(timeout=5) is False
    gate._threads.acquire()
    gate.release()
