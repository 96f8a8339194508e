"""The versions a signed-in page is kept under (courseware/page_cache.py): each person's own
(`User.page_version`), raised by every write that person makes or that names them, and one shared by
everyone (`SharedPageVersion`), raised by any other write that may change what someone's pages show
(HR's, the president's, a job's). Both are raised inside the writing transaction by
courseware/services/people/page_versions.py, so that every instance reading them sees the change
as soon as it is committed."""
from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from courseware.extensions import Model


class SharedPageVersion(Model):
    """One row (id 1); the migration writes it."""

    __tablename__ = "shared_page_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
