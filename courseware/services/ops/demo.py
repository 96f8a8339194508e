"""The demo company: departments that mirror the source, accounts for each role, who reports to whom
and who heads each department."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courseware.models import Assignment, Course, Department, Quiz, User
from courseware.models._time import utcnow
from courseware.services.catalog import published
from courseware.services.learning import completion, quizzes
from courseware.services.ops import demo_practice, demo_questions
from courseware.services.people.accounts import create_user, generate_password, get_or_create_department
from courseware.services.people.assignments import company_today

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
# Their names on Chinese pages.
CHINESE_NAMES = {
    MARKETING_CENTER: "营销中心", "International Trade": "国际贸易部", "Domestic Trade": "国内贸易部",
    "Tax-free Business": "免税业务部", "Finance Department": "财务部", "Human Resources": "人力资源部",
    "President's Office": "总裁办公室",
}
# (role, username, full name, department, job title): names and job titles are kept in English (as
# the departments' own names are; Chinese pages show CHINESE_NAMES); the head of each department comes first.
ACCOUNTS = [
    ("president", "president", "Zhao Ming", "President's Office", "President"),
    ("hr", "hr.lin", "Lin Xiaoyu", "Human Resources", "Head of Human Resources"),
    ("manager", "chen.yong", "Chen Yong", MARKETING_CENTER, "General Manager of the Marketing Center"),
    ("manager", "gao.jun", "Gao Jun", MARKETING_CENTER, "Deputy General Manager of the Marketing Center"),
    ("manager", "wang.lei", "Wang Lei", "International Trade", "Head of International Trade"),
    ("manager", "liu.fang", "Liu Fang", "International Trade", "Manager"),
    ("manager", "sun.hao", "Sun Hao", "International Trade", "Manager"),
    ("manager", "zhang.wei", "Zhang Wei", "Domestic Trade", "Head of Domestic Trade"),
    ("manager", "he.jing", "He Jing", "Domestic Trade", "Manager"),
    ("manager", "xu.tao", "Xu Tao", "Tax-free Business", "Head of Tax-free Business"),
    ("manager", "ma.li", "Ma Li", "Tax-free Business", "Manager"),
    ("manager", "guo.qiang", "Guo Qiang", "Finance Department", "Head of Finance"),
    ("manager", "deng.yan", "Deng Yan", "Finance Department", "Manager"),
]


# Who reports to whom: Chen Yong, the Marketing Center's general manager, has the heads of its three
# business departments (and his deputy) under him; the Finance and HR heads report to the president.
REPORTS_TO = {
    "hr.lin": "president", "chen.yong": "president", "guo.qiang": "president",
    "gao.jun": "chen.yong", "wang.lei": "chen.yong", "zhang.wei": "chen.yong", "xu.tao": "chen.yong",
    "liu.fang": "wang.lei", "sun.hao": "wang.lei", "he.jing": "zhang.wei", "ma.li": "xu.tao",
    "deng.yan": "guo.qiang",
}
HEADS = {
    "President's Office": "president", "Human Resources": "hr.lin", MARKETING_CENTER: "chen.yong",
    "International Trade": "wang.lei", "Domestic Trade": "zhang.wei", "Tax-free Business": "xu.tao",
    "Finance Department": "guo.qiang",
}


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
    departments: dict[str, Department] = {}
    for name, parent in DEPARTMENTS:
        departments[name] = get_or_create_department(
            session, name, departments.get(parent) if parent else None
        )
        departments[name].name_zh = departments[name].name_zh or CHINESE_NAMES.get(name)
    logins = []
    for role, username, full_name, department, title in ACCOUNTS:
        secret = password or generate_password()
        user = create_user(
            session, username=username, full_name=full_name, password=secret, role=role,
            department=departments[department], email=f"{username}@example.com", commit=False,
        )
        user.locale = DEMO_LANGUAGES.get(username)
        user.title = title
        logins.append(DemoLogin(role, username, secret))
    _set_lines_and_heads(session)
    session.commit()
    seed_demo_progress(session)
    return logins


def complete_demo(session: Session, password: str | None = None) -> list[DemoLogin]:
    """Bring a demo company made before the latest demo people and reporting lines up to date: add the
    missing accounts (Chen Yong), and the line managers and heads not set yet; returns the new logins.

    For a demo database only: the command calls it when the demo's logins file is there.
    """
    usernames = set(session.scalars(select(User.username)))
    departments = {d.name: d for d in session.scalars(select(Department))}
    logins = []
    for role, username, full_name, department, title in ACCOUNTS:
        if username in usernames or department not in departments:
            continue
        secret = password or generate_password()
        user = create_user(session, username=username, full_name=full_name, password=secret, role=role,
                           department=departments[department], email=f"{username}@example.com", commit=False)
        user.title = title
        logins.append(DemoLogin(role, username, secret))
    session.flush()
    _set_lines_and_heads(session)
    session.commit()
    return logins


def _set_lines_and_heads(session: Session) -> None:
    """The demo's reporting lines and department heads, where none is set yet."""
    people = {u.username: u for u in session.scalars(select(User).where(User.username.in_(
        set(REPORTS_TO) | set(REPORTS_TO.values()) | set(HEADS.values()))))}
    for username, manager in REPORTS_TO.items():
        if username in people and manager in people and people[username].manager_id is None:
            people[username].manager = people[manager]
    for department in session.scalars(select(Department).where(Department.name.in_(HEADS))):
        if department.head_id is None and HEADS[department.name] in people:
            department.head = people[HEADS[department.name]]


# Demo people who chose Chinese in their profile (everyone else follows the browser).
DEMO_LANGUAGES = {"zhang.wei": "zh_CN"}


# How many lessons each demo manager has completed, so that HR's pages have something to show.
DEMO_LESSONS_DONE = {
    "gao.jun": 8, "wang.lei": 6, "liu.fang": 8, "sun.hao": 3, "zhang.wei": 2,
    "he.jing": 0, "xu.tao": 5, "ma.li": 1, "guo.qiang": 4, "deng.yan": 0,
    # Last, so that everyone else's random quiz outcomes stay as they were before he joined.
    "chen.yong": 7,
}


def seed_demo_progress(session: Session) -> None:
    """Walk each demo manager through the first course with the real services: lessons read,
    quizzes failed and retaken, the next lesson opened; and assign the course to one department."""
    course = session.scalar(select(Course).order_by(Course.position))
    if course is None:
        return
    lessons = published.lessons(session, course)
    chance = random.Random(2023)
    pace = random.Random(2024)
    for username, done in DEMO_LESSONS_DONE.items():
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        for lesson in lessons[:done]:
            # Realistic reading time: the lesson's estimate, give or take (its own random numbers,
            # so that the quizzes' outcomes stay as they were).
            minutes = lesson.published_revision.minutes if lesson.published_revision else 5
            seconds = round(minutes * 60 * pace.uniform(0.7, 1.4))
            completion.mark_read(session, user, lesson, seconds_read=seconds)
            quiz = lesson.active_quiz
            if quiz is None:
                continue
            if chance.random() < 0.35:
                _answer(session, user, quiz, right=False, chance=chance)
            _answer(session, user, quiz, right=True, chance=chance)
        if done < len(lessons):
            if done:
                completion.record_open(session, user, lessons[done])
    _assign_demo_course(session, course)
    session.commit()
    demo_practice.seed_demo_practice(session)
    # The answer's notice goes to the bell only: no demo address is mailed, whatever is configured.
    demo_questions.seed_demo_questions(session, config={})


def _assign_demo_course(session: Session, course: Course) -> None:
    """HR's assignments, so that its pages show each due state: Tax-free Business due in five days (due
    soon), International Trade in four weeks (on time; Liu Fang has completed it), Sun Hao on his own
    since October and now late (overdue), Finance within 60 days of the assignment; the Marketing
    Center's management, Domestic Trade, HR and the president have none (no due date)."""
    departments = {d.name: d for d in session.scalars(select(Department).where(Department.name.in_(
        ("Tax-free Business", "International Trade", "Finance Department"))))}
    hr_user = session.scalar(select(User).where(User.role == "hr"))
    today = company_today()
    for name, due_on, due_days in (("Tax-free Business", today + timedelta(days=5), None),
                                   ("International Trade", today + timedelta(days=28), None),
                                   ("Finance Department", None, 60)):
        if name in departments:
            session.add(Assignment(course=course, department=departments[name], created_by=hr_user,
                                   due_on=due_on, due_days=due_days))
    late = session.scalar(select(User).where(User.username == "sun.hao"))
    if late is not None:
        session.add(Assignment(course=course, user=late, created_by=hr_user, due_on=today - timedelta(days=4),
                               created_at=utcnow() - timedelta(days=40)))


def _answer(session: Session, user: User, quiz: Quiz, *, right: bool, chance: random.Random) -> None:
    """Submit an attempt: all right, or (to fail an 80 % pass mark) the first half wrong."""
    attempt = quizzes.open_attempt(session, user, quiz)
    questions = attempt.quiz_version.questions
    answers = {}
    for index, question in enumerate(questions):
        correct = [o["key"] for o in question["options"] if o["correct"]]
        wrong = [o["key"] for o in question["options"] if not o["correct"]]
        answer_wrong = not right and index < (len(questions) + 1) // 2
        answers[question["id"]] = [chance.choice(wrong)] if answer_wrong else correct
    quizzes.submit_attempt(session, user, attempt.id, answers)
