"""The demo company: departments that mirror the source, and accounts for each role."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.models import User
from courseware.services.accounts import create_user, generate_password, get_or_create_department

MARKETING_CENTER = "Marketing Center"
# (department, parent) in the order they are created.
DEPARTMENTS = [
    (MARKETING_CENTER, None),
    ("International Trade", MARKETING_CENTER),
    ("Domestic Trade", MARKETING_CENTER),
    ("Tax-free Business", MARKETING_CENTER),
    ("Finance Department", None),
    ("Human Resources", None),
    ("President's Office", None),
]
# (role, username, full name, department)
ACCOUNTS = [
    ("president", "president", "Zhao Ming", "President's Office"),
    ("hr", "hr.lin", "Lin Xiaoyu", "Human Resources"),
    ("manager", "gao.jun", "Gao Jun", MARKETING_CENTER),
    ("manager", "wang.lei", "Wang Lei", "International Trade"),
    ("manager", "liu.fang", "Liu Fang", "International Trade"),
    ("manager", "sun.hao", "Sun Hao", "International Trade"),
    ("manager", "zhang.wei", "Zhang Wei", "Domestic Trade"),
    ("manager", "he.jing", "He Jing", "Domestic Trade"),
    ("manager", "xu.tao", "Xu Tao", "Tax-free Business"),
    ("manager", "ma.li", "Ma Li", "Tax-free Business"),
    ("manager", "guo.qiang", "Guo Qiang", "Finance Department"),
    ("manager", "deng.yan", "Deng Yan", "Finance Department"),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str

    def line(self) -> str:
        return f"{self.role:<10} {self.username:<12} {self.password}"


def seed_demo(session: Session, password: str | None = None) -> list[DemoLogin]:
    """Create the demo company when the database has no users; returns the new logins.

    Each account gets its own random password unless `password` is given (for screenshots and
    tests). Nothing is created, and [] is returned, when any user exists.
    """
    if session.scalar(select(func.count(User.id))):
        return []
    departments = {}
    for name, parent in DEPARTMENTS:
        departments[name] = get_or_create_department(
            session, name, departments.get(parent) if parent else None
        )
    logins = []
    for role, username, full_name, department in ACCOUNTS:
        secret = password or generate_password()
        create_user(
            session, username=username, full_name=full_name, password=secret, role=role,
            department=departments[department], email=f"{username}@example.com", commit=False,
        )
        logins.append(DemoLogin(role, username, secret))
    session.commit()
    return logins
