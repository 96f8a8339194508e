"""Who is signed in: read from the database on every request, so changes apply at once."""
from __future__ import annotations

from sqlalchemy import select

from courseware.extensions import db
from courseware.models import User


def load_user(session_token: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.active.is_(True))
    )
