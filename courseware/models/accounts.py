"""People, their roles and departments."""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from courseware.extensions import Model
from courseware.language import current_language
from courseware.models._time import utcnow


class Role(StrEnum):
    MANAGER = "manager"
    HR = "hr"
    PRESIDENT = "president"


ROLES = [role.value for role in Role]


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Department(Model):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("directory_source", "directory_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Its name on Chinese pages (None: `name` in every language).
    name_zh: Mapped[str | None] = mapped_column(String(120))
    # The directory the department is synced from ('wecom', 'dingtalk', 'feishu', 'csv') and its id
    # there (services/people/directory_sync.py); None for a department made by hand.
    directory_source: Mapped[str | None] = mapped_column(String(32))
    directory_id: Mapped[str | None] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # The department's head (HR sets it on the departments page). The two tables refer to each other:
    # use_alter lets them be created, and emptied, in either order.
    head_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", use_alter=True))

    parent: Mapped[Department | None] = relationship(remote_side=[id])
    members: Mapped[list[User]] = relationship(back_populates="department", foreign_keys="User.department_id")
    head: Mapped[User | None] = relationship(foreign_keys=[head_id])

    @property
    def local_name(self) -> str:
        """The name in the reader's language."""
        return localized_name(self.name, self.name_zh)

    @property
    def full_name(self) -> str:
        """The name with its parent's, in the reader's language: 市场中心 · 国际贸易部."""
        return f"{self.parent.local_name} · {self.local_name}" if self.parent else self.local_name


def localized_name(name: str, name_zh: str | None) -> str:
    """A department's name as the reader reads it (the Chinese one on Chinese pages, when it has one)."""
    return name_zh if name_zh and current_language().startswith("zh") else name


class User(UserMixin, Model):
    __tablename__ = "user_account"
    # HR's reports count the active people by department in id order (migration 9b2d4f6a8c13).
    __table_args__ = (Index("ix_user_account_active_people", "active", "id", "department_id"),)
    # `sign_in_token` below is a plain attribute of the loaded object, not a column.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # The person's job title as they sign (a certificate says who signed it and as what): free text.
    title: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    # A mobile number as the company's directory gives it (free text, shown to HR only).
    mobile: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16), default=Role.MANAGER.value)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    # When the person joined their current department: relative due dates of department
    # assignments count from here for people who join after the assignment was made.
    department_since: Mapped[datetime] = mapped_column(default=utcnow)
    password_hash: Mapped[str] = mapped_column(String(255))
    # A one-time password issued by HR (services/people/one_time_passwords.py): it signs in only
    # until `password_expires_at`, and only to choose the person's own password.
    password_is_temporary: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    password_expires_at: Mapped[datetime | None]
    # Flask-Login "alternative token": the id in the session cookie, so that rotating it signs the
    # person out everywhere, which a signed cookie alone cannot do.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The interface and course language the person chose ('en', 'zh_CN'); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    # The IANA time zone the person reads and types times in ('Europe/London'); None follows the
    # company's (COMPANY_TIMEZONE, courseware/timezones.py).
    timezone: Mapped[str | None] = mapped_column(String(64))
    # The person's line manager: the people who report to someone, directly or through others, are
    # their team (/team). Never a cycle: services/people/reporting.py checks every change.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Personal data (services/people/erasure.py): when the account was last deactivated (the
    # retention period counts from here) and when its person was erased (pseudonymized).
    deactivated_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # Raised by every write that changes what this person's pages show (models/page_versions.py):
    # the signed-in pages kept as rendered are kept under it (courseware/page_cache.py).
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")

    department: Mapped[Department | None] = relationship(back_populates="members",
                                                         foreign_keys=[department_id])
    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id])
    # What the last directory sync wrote (None: never synced): its source is shown on HR's pages.
    directory_record: Mapped[DirectoryRecord | None] = relationship(viewonly=True, uselist=False)

    # The sign-in (SignInSession.token) this request's session belongs to; set at sign-in and by the
    # user loader, never stored on the row.
    sign_in_token: str | None = None

    def get_id(self) -> str:
        """What the session and remember cookies carry: the account's token (rotated by "sign out
        everywhere" and password changes) and this sign-in's (revoked by "sign out")."""
        if self.sign_in_token is None:
            return self.session_token
        return f"{self.session_token}.{self.sign_in_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class SignInSession(Model):
    """One sign-in of one person on one browser: signing out revokes it on the server, so that
    neither its session cookie nor its remember cookie, replayed, signs anyone in again."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class ExternalIdentity(Model):
    """An account at the company's identity provider that signs in as a person here.

    `provider` says whose subject it is: for OpenID Connect the issuer's URL (a subject is unique
    only within its issuer). A person has at most one identity per provider, linked the first time
    they sign in with it (services/people/sso.py).
    """

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"), UniqueConstraint("provider", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class DirectoryRecord(Model):
    """What the last directory sync wrote to a person: `source` ('wecom', 'dingtalk', 'feishu',
    'csv') and the values by field name (`full_name`, `email`, `mobile`, `title`, `department_id`,
    `manager_id`, `active`). A field whose value differs from it now was edited by hand since, and the
    next sync keeps it unless told to overwrite (services/people/directory_sync.py)."""

    __tablename__ = "directory_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    source: Mapped[str] = mapped_column(String(32))
    values: Mapped[dict] = mapped_column(JSON)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class FailedSignIn(Model):
    """One failed password sign-in (or one being checked): counted by username and by address, in the
    database that every worker and machine shares (services/people/sign_in_limits.py). Rows older than
    the longest window are deleted as new ones are written."""

    __tablename__ = "failed_sign_in"
    __table_args__ = (Index("ix_failed_sign_in_username_at", "username", "at"),
                      Index("ix_failed_sign_in_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)


class ImportHandout(Model):
    """The one-time passwords of one CSV import, kept for its CSV download and printable hand-out
    sheets (services/people/import_handouts.py): encrypted with a key that only the importing HR
    user's session holds, for `expires_at` (15 minutes) at most, deleted once the CSV is downloaded."""

    __tablename__ = "import_handout"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who imported: the only person who may read it (with the key in their session).
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
