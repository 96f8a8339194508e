"""Unbound extensions; create_app binds them. Nothing here imports the app."""
from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

    class _SQLAlchemy(SQLAlchemy):
        # db.session is a scoped_session, which proxies every Session method: typed as the Session it
        # stands for, it passes where the services take a sqlalchemy.orm.Session.
        session: Session  # type: ignore[assignment]
else:
    _SQLAlchemy = SQLAlchemy

db = _SQLAlchemy(model_class=Base)

# mypy cannot resolve an attribute (db.Model) as a base class: the models subclass this name, db.Model
# at run time and, for the type checker, the declarative base that db.Model is built from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def init_migrations(app: "Flask", directory: str) -> None:
    """Flask-Migrate's `flask db …` commands, and what its functions (upgrade, downgrade) read; imported
    only here, for commands and tests: the web workers have no use for Alembic (config
    MIGRATION_COMMANDS)."""
    from flask_migrate import Migrate

    Migrate(app, db, directory=directory, render_as_batch=True, compare_type=True)


login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
