"""Kept pages shared by the processes of one machine (courseware/page_cache.py keeps them in each
process first).

Each gunicorn worker keeps the pages it rendered; without this, every page a person opens is rendered
once by each worker before all of them serve it kept. Here a page one process rendered is written to
a small SQLite file in the instance folder, which the other processes read when their own memory has
no current page: a lookup by primary key, about a tenth of a millisecond, instead of a rendering.

What is stored: the page gzipped (served as it is to a browser that takes gzip, with the random file
name every page gets), under a hash of where it was served (the sign-in and the
address: the sign-in's tokens never reach the file) and a hash of its key. A page is served only when
its key hash equals the one the request just read from the database, so a page stale in this file is
never served: it is overwritten or pruned. The file is a cache: any error reading or writing it
counts as "not kept" (the page is rendered) and is logged once; a writer that finds the file busy
does not wait.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Hashable
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "page-cache.sqlite3"
_PRUNE_EVERY = 256  # pages written between two prunings
_SCHEMA = ("CREATE TABLE IF NOT EXISTS kept_page (place BLOB PRIMARY KEY, key BLOB NOT NULL, "
           "body BLOB NOT NULL, at REAL NOT NULL) WITHOUT ROWID")


def digest(*parts: object) -> bytes:
    """A short hash of values whose repr is stable across processes (numbers, text, dates, tuples)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


class SharedPages:
    """The kept pages of every process using one instance folder, bounded in bytes and age."""

    def __init__(self, path: Path, max_bytes: int, seconds: float) -> None:
        self.path, self.max_bytes, self.seconds = path, max_bytes, seconds
        self._local = threading.local()
        self._written = 0
        self._failed = False
        self.hits = 0

    def get(self, where: tuple[str, str], key: tuple[Hashable, ...]) -> bytes | None:
        """The page gzipped (with no file name: compression.named_gzip gives it one), if kept."""
        try:
            # Every row read (fetchall): a statement left stepping holds its read open, and with it
            # this connection's later writes (autocommit) until the statement is finished.
            rows = self._connection().execute("SELECT body, at FROM kept_page WHERE place = ? AND key = ?",
                                               (digest(*where), digest(*key))).fetchall()
        except sqlite3.OperationalError:
            return None  # busy creating the file, in another process
        except (sqlite3.Error, OSError) as error:  # OSError: a file another user made
            self._failure(error)
            return None
        if not rows or time.time() - rows[0][1] > self.seconds:
            return None
        self.hits += 1
        body: bytes = rows[0][0]
        return body

    def put(self, where: tuple[str, str], key: tuple[Hashable, ...], html: bytes) -> None:
        try:
            connection = self._connection()
            connection.execute("INSERT OR REPLACE INTO kept_page (place, key, body, at) VALUES (?, ?, ?, ?)",
                               (digest(*where), digest(*key), gzip.compress(html, 6, mtime=0), time.time()))
            self._written += 1
            if self._written % _PRUNE_EVERY == 0:
                self._prune(connection)
        except sqlite3.OperationalError:
            return  # busy with another process's page: this one is kept in memory all the same
        except (sqlite3.Error, OSError) as error:  # OSError: a file another user made
            self._failure(error)

    def _prune(self, connection: sqlite3.Connection) -> None:
        """Pages past their age out; then the oldest, while the pages take more than max_bytes."""
        connection.execute("DELETE FROM kept_page WHERE at < ?", (time.time() - self.seconds,))
        [(size,)] = connection.execute("SELECT coalesce(sum(length(body)), 0) FROM kept_page").fetchall()
        if size > self.max_bytes:
            [(count,)] = connection.execute("SELECT count(*) FROM kept_page").fetchall()
            excess = count - int(count * self.max_bytes / size * 0.9)
            connection.execute("DELETE FROM kept_page WHERE place IN "
                               "(SELECT place FROM kept_page ORDER BY at LIMIT ?)", (excess,))

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread, and per process: a worker forked with its parent's would share it.
        held = getattr(self._local, "connection", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))  # people's pages: for this user only
        connection = sqlite3.connect(self.path, timeout=0.05, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")  # a cache: a crash may lose pages, never corrupt one
        connection.execute("PRAGMA cache_size=-256")  # the system's file cache holds the pages
        connection.execute(_SCHEMA)
        self._prune(connection)  # what an earlier run left, even if no page is written again
        self._local.connection = (os.getpid(), connection)
        return connection

    def _failure(self, error: sqlite3.Error | OSError) -> None:
        if not self._failed:
            self._failed = True
            log.warning("the shared page cache %s failed (%s): pages are kept per process", self.path, error)
