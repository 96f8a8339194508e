"""How many failed password sign-ins an account and an address may have: counted in the database.

The database is the one store every gunicorn worker and every machine of the site already shares,
so the limits hold whatever their number, with or without Redis (one mechanism: Redis, when set,
is not used for these counts). Each sign-in with a password writes a row *before* the password is
checked; a success deletes it again, a failure leaves it to be counted. A request is refused when
its row, counted with the rows written before it (lower ids), goes over a limit: two workers
checking at the same moment count each other, so no burst slips through while the (slow, on
purpose) password hash is computed. Rows older than the longest window are deleted as rows are
written, so the table holds at most an hour of failures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from courseware.models import FailedSignIn
from courseware.models._time import utcnow
from courseware.services.errors import DomainError
from courseware.services.people.accounts import normalize_username

# (attempts, seconds): at most 5 failures a minute and 30 an hour for one account, from wherever
# they come; 30 a minute and 300 an hour from one address, whichever accounts it tries.
USERNAME_LIMITS = ((5, 60), (30, 3600))
ADDRESS_LIMITS = ((30, 60), (300, 3600))
KEPT = timedelta(seconds=max(seconds for _n, seconds in USERNAME_LIMITS + ADDRESS_LIMITS))


class TooManyAttempts(DomainError):
    """Over a limit: try again in `retry_after` seconds (the response's Retry-After)."""

    status_code = 429

    def __init__(self, retry_after: int):
        super().__init__("too many failed sign-ins")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """A sign-in being checked: its row is a failure until `succeeded` deletes it."""

    id: int
    username: str
    address: str


def _key(username: str) -> str:
    return normalize_username(username)[:64]


def begin(session: Session, username: str, address: str | None) -> Attempt:
    """Count this sign-in before its password is checked; raises TooManyAttempts (counting nothing)
    when the account or the address is over a limit. Commits."""
    now = utcnow()
    session.execute(delete(FailedSignIn).where(FailedSignIn.at < now - KEPT))
    row = FailedSignIn(username=_key(username), address=(address or "-")[:64], at=now)
    session.add(row)
    session.commit()
    attempt = Attempt(row.id, row.username, row.address)
    wait = max(_wait(session, FailedSignIn.username, attempt.username, attempt.id, now, USERNAME_LIMITS),
               _wait(session, FailedSignIn.address, attempt.address, attempt.id, now, ADDRESS_LIMITS))
    if wait > 0:
        session.execute(delete(FailedSignIn).where(FailedSignIn.id == attempt.id))
        session.commit()
        raise TooManyAttempts(wait)
    return attempt


def succeeded(session: Session, attempt: Attempt) -> None:
    """The password was right: the attempt is not a failure. The caller commits."""
    session.execute(delete(FailedSignIn).where(FailedSignIn.id == attempt.id))


def _wait(session: Session, column: InstrumentedAttribute[str], value: str, own_id: int, now: datetime,
          limits: tuple[tuple[int, int], ...]) -> int:
    """Seconds until the attempts before this one (by the same account, or from the same address) fall
    under every limit again: 0 when they are under already."""
    earlier = sorted(session.scalars(
        select(FailedSignIn.at).where(column == value, FailedSignIn.id < own_id,
                                      FailedSignIn.at > now - KEPT)))
    wait = 0.0
    for count, seconds in limits:
        window = [at for at in earlier if at > now - timedelta(seconds=seconds)]
        if len(window) >= count:
            # Once the oldest of the last `count` leaves the window, one more attempt is allowed.
            leaves = window[len(window) - count] + timedelta(seconds=seconds)
            wait = max(wait, (leaves - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else 0
