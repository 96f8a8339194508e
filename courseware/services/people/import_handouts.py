"""An import's one-time passwords, after the page that shows them: one CSV download and printable
hand-out sheets, for the HR user who imported and nobody else, for 15 minutes at most.

The passwords are kept in the database encrypted (Fernet) with a key that only the importer's
session holds (the view keeps it there): the database alone, or the cookie alone, reveals nothing.
The hand-out sheets may be opened (and printed) again until the CSV is downloaded or `LIFETIME`
passes; the CSV is given once, and its download deletes everything. Opening the sheets and
downloading the CSV are audited. Expired rows are deleted whenever an import is kept or read."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_
from sqlalchemy.orm import Session

from courseware.language import normalize_language, site_language
from courseware.models import ImportHandout, User
from courseware.models._time import utcnow
from courseware.services.errors import DomainError
from courseware.services.ops import audit
from courseware.services.people import account_import

LIFETIME = timedelta(minutes=15)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class HandoutGone(DomainError):
    """Downloaded already, past its 15 minutes, someone else's, or from another session: a 410 page."""

    status_code = 410

    def __init__(self) -> None:
        super().__init__(_("These one-time passwords are no longer available: their CSV was downloaded "
                           "or 15 minutes have passed. Reset the password of anyone who still needs one "
                           "(Accounts, then the person)."))


@dataclass(frozen=True)
class HandoutPerson:
    full_name: str
    username: str
    password: str
    language: str        # the language of the person's hand-out sheet
    expires_at: datetime  # naive UTC: when the one-time password stops working


@dataclass(frozen=True)
class Handout:
    id: int
    people: list[HandoutPerson]
    expires_at: datetime  # naive UTC: when the CSV and the sheets are gone


@dataclass(frozen=True)
class Imported:
    accounts: list[account_import.ImportedAccount]
    handout_id: int
    key: str  # for the importer's session only
    expires_at: datetime


def import_with_handout(session: Session, actor: User, data: bytes, *, replaces: int | None = None,
                        now: datetime | None = None) -> Imported:
    """Import the file (account_import) and keep its passwords for the CSV and the sheets, in place
    of the actor's earlier import's (`replaces`, from their session): one transaction. A refused
    file changes nothing, the earlier import's passwords included."""
    now = now or utcnow()
    accounts = account_import.import_accounts_csv(session, actor, data, commit=False)
    people = [{"full_name": a.user.full_name, "username": a.user.username, "password": a.password,
               "language": normalize_language(a.user.locale) or site_language(),
               "expires_at": (a.user.password_expires_at or now).isoformat()} for a in accounts]
    from cryptography.fernet import Fernet  # 7 MB: imported by the imports that use it, not every worker

    key = Fernet.generate_key()
    handout = ImportHandout(user_id=actor.id, created_at=now, expires_at=now + LIFETIME,
                            secret=Fernet(key).encrypt(json.dumps(people).encode()))
    session.execute(delete(ImportHandout).where(or_(
        ImportHandout.expires_at <= now,
        and_(ImportHandout.id == replaces, ImportHandout.user_id == actor.id))))
    session.add(handout)
    session.commit()
    return Imported(accounts, handout.id, key.decode(), handout.expires_at)


def open_handout(session: Session, actor: User, handout_id: int, key: str,
                 now: datetime | None = None) -> Handout:
    """The hand-out sheets' people (audited, one commit); HandoutGone when they are not (or no
    longer) the actor's to read."""
    handout = _read(session, actor, handout_id, key, now or utcnow())
    audit.record(session, "account.import_handout", actor=actor, target=f"{len(handout.people)} accounts",
                 details="hand-out sheets opened")
    session.commit()
    return handout


def take_csv(session: Session, actor: User, handout_id: int, key: str, sign_in_url: str,
             now: datetime | None = None) -> bytes:
    """The CSV of the import's accounts and one-time passwords (UTF-8 with a BOM, for spreadsheets),
    given once: the stored passwords are deleted in the same transaction, which is audited."""
    handout = _read(session, actor, handout_id, key, now or utcnow())
    session.execute(delete(ImportHandout).where(ImportHandout.id == handout_id))
    audit.record(session, "account.import_csv", actor=actor, target=f"{len(handout.people)} accounts",
                 details="one-time passwords downloaded as CSV; the stored copy is deleted")
    session.commit()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["full_name", "username", "one_time_password", "expires_utc", "sign_in_url"])
    for person in handout.people:
        writer.writerow([_safe(person.full_name), person.username, person.password,
                         f"{person.expires_at:%Y-%m-%d %H:%M}", sign_in_url])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _read(session: Session, actor: User, handout_id: int, key: str, now: datetime) -> Handout:
    session.execute(delete(ImportHandout).where(ImportHandout.expires_at <= now))
    session.commit()
    handout = session.get(ImportHandout, handout_id)
    if handout is None or handout.user_id != actor.id:
        raise HandoutGone()
    from cryptography.fernet import Fernet, InvalidToken

    try:
        people = json.loads(Fernet(key.encode()).decrypt(handout.secret))
    except (InvalidToken, ValueError):
        raise HandoutGone() from None
    return Handout(handout.id, [HandoutPerson(p["full_name"], p["username"], p["password"], p["language"],
                                              datetime.fromisoformat(p["expires_at"])) for p in people],
                   handout.expires_at)


def _safe(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
