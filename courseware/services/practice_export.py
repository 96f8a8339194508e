"""A person's own practice entries, all of them, as Markdown (to read) or CSV (for a spreadsheet).
Deleted goals are included and marked, so that nothing a person wrote is missing."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.models import DailyEntry, FocusItem, FollowUpCheck, Goal, Reflection, User

CSV_HEADER = ["kind", "date", "about", "field", "text"]


@dataclass
class Entries:
    goals: list[Goal]
    focus: list[FocusItem]
    days: list[DailyEntry]
    reflections: list[Reflection]
    checks: list[FollowUpCheck]


def entries_of(session: Session, user: User) -> Entries:
    return Entries(
        goals=list(session.scalars(
            select(Goal).where(Goal.user_id == user.id, Goal.parent_id.is_(None))
            .options(selectinload(Goal.children).selectinload(Goal.updates), selectinload(Goal.updates),
                     selectinload(Goal.lesson))
            .order_by(Goal.target_on, Goal.id))),
        focus=list(session.scalars(
            select(FocusItem).where(FocusItem.user_id == user.id).options(selectinload(FocusItem.goal))
            .order_by(FocusItem.created_at, FocusItem.id))),
        days=list(session.scalars(
            select(DailyEntry).where(DailyEntry.user_id == user.id).order_by(DailyEntry.day))),
        reflections=list(session.scalars(
            select(Reflection).where(Reflection.user_id == user.id)
            .options(selectinload(Reflection.lesson)).order_by(Reflection.created_at, Reflection.id))),
        checks=list(session.scalars(
            select(FollowUpCheck).where(FollowUpCheck.user_id == user.id)
            .options(selectinload(FollowUpCheck.lesson)).order_by(FollowUpCheck.created_at))),
    )


def _status(goal: Goal) -> str:
    state = "deleted" if goal.deleted_at else ("done" if goal.done_at else "in progress")
    return f"{goal.progress} %, {state}"


def _check_result(check: FollowUpCheck) -> str:
    if check.skipped:
        return "skipped"
    return f"{check.correct_count} of {check.question_count} right"


# --- Markdown -------------------------------------------------------------------------------------

def _quote(text: str | None, indent: str = "") -> list[str]:
    """A person's text as an indented block, one line per line they wrote."""
    return [f"{indent}    {line}".rstrip() for line in (text or "").splitlines()] or [f"{indent}    —"]


def markdown(session: Session, user: User, today: date) -> str:
    entries = entries_of(session, user)
    out = [f"# Practice entries of {user.full_name}", "", f"Exported on {today.isoformat()}.", ""]
    out += ["## Goals", ""]
    for goal in entries.goals:
        out += [f"### {goal.title}", "",
                f"- Long-term goal, {goal.starts_on.isoformat()} to {goal.target_on.isoformat()}; "
                f"{_status(goal)}"]
        out += _goal_details(goal, "")
        for child in goal.children:
            out.append(f"- Short-term goal: **{child.title}**, by {child.target_on.isoformat()}; "
                       f"{_status(child)}")
            out += _goal_details(child, "  ")
        out.append("")
    if not entries.goals:
        out += ["No goals.", ""]
    out += ["## Focus check", ""]
    for item in entries.focus:
        decision = ("declined (not to do)" if item.declined
                    else f"serves “{item.goal.title if item.goal else 'a goal'}”")
        out.append(f"- {item.created_at.date().isoformat()}: {item.text} — {decision}"
                   + (f" ({item.reason})" if item.reason else ""))
    out += ["" if entries.focus else "Nothing triaged.", ""]
    out += ["## Days", ""]
    for day in entries.days:
        out += [f"### {day.day.isoformat()}", ""]
        for label, text in (("Most important thing", day.most_important),
                            ("What most needs doing well", day.do_well), ("Done", day.done),
                            ("Learned", day.learned), ("Tomorrow", day.tomorrow)):
            if text:
                out += [f"- {label}:", *_quote(text, "  ")]
        out.append("")
    if not entries.days:
        out += ["No days planned or summarized.", ""]
    out += ["## Reflections", ""]
    for reflection in entries.reflections:
        out += [f"### {reflection.lesson.title}", "", f"> {reflection.prompt}", "",
                *_quote(reflection.answer), ""]
        if reflection.shared_at:
            out.append(f"Shared with the president on {reflection.shared_at.date().isoformat()}.")
        if reflection.reply and reflection.replied_at:
            out += [f"Reply on {reflection.replied_at.date().isoformat()}:", *_quote(reflection.reply)]
        out.append("")
    if not entries.reflections:
        out += ["No reflections.", ""]
    out += ["## Follow-up checks", ""]
    for check in entries.checks:
        out.append(f"- {check.created_at.date().isoformat()}: {check.lesson.title}, {check.stage} days "
                   f"after completing it: {_check_result(check)}")
    if not entries.checks:
        out.append("No follow-up checks yet.")
    return "\n".join(out).rstrip() + "\n"


def _goal_details(goal: Goal, indent: str) -> list[str]:
    lines = []
    if goal.measure:
        lines.append(f"{indent}- Measure of done: {goal.measure}")
    if goal.lesson is not None:
        lines.append(f"{indent}- Applies the lesson: {goal.lesson.title}")
    for update in reversed(goal.updates):
        lines.append(f"{indent}- {update.created_at.date().isoformat()}: {update.progress} %"
                     + (f" — {update.note}" if update.note else ""))
    return lines


# --- CSV ------------------------------------------------------------------------------------------

def csv_rows(session: Session, user: User) -> Iterator[list[object]]:
    """(kind, date, about, field, text): one row per thing written, so that nothing is cut."""
    entries = entries_of(session, user)
    for goal in entries.goals:
        yield from _goal_rows(goal, "long-term goal")
        for child in goal.children:
            yield from _goal_rows(child, "short-term goal")
    for item in entries.focus:
        about = "not to do" if item.declined else (item.goal.title if item.goal else "")
        yield ["focus check", item.created_at.date(), about, "request", item.text]
        if item.reason:
            yield ["focus check", item.created_at.date(), about, "note", item.reason]
    for day in entries.days:
        for name in ("most_important", "do_well", "done", "learned", "tomorrow"):
            if getattr(day, name):
                yield ["day", day.day, "plan" if name in ("most_important", "do_well") else "summary",
                       name.replace("_", " "), getattr(day, name)]
    for reflection in entries.reflections:
        title = reflection.lesson.title
        yield ["reflection", reflection.updated_at.date(), title, "prompt", reflection.prompt]
        yield ["reflection", reflection.updated_at.date(), title, "answer", reflection.answer]
        if reflection.shared_at:
            yield ["reflection", reflection.shared_at.date(), title, "shared with the president", "yes"]
        if reflection.reply and reflection.replied_at:
            yield ["reflection", reflection.replied_at.date(), title, "president's reply", reflection.reply]
    for check in entries.checks:
        yield ["follow-up check", check.created_at.date(), check.lesson.title, f"{check.stage} days",
               _check_result(check)]


def _goal_rows(goal: Goal, kind: str) -> Iterator[list[object]]:
    yield [kind, goal.target_on, goal.title, "status", _status(goal)]
    if goal.starts_on:
        yield [kind, goal.starts_on, goal.title, "period starts", goal.starts_on]
    if goal.measure:
        yield [kind, goal.target_on, goal.title, "measure of done", goal.measure]
    if goal.lesson is not None:
        yield [kind, goal.target_on, goal.title, "lesson", goal.lesson.title]
    for update in reversed(goal.updates):
        yield [kind, update.created_at.date(), goal.title, f"progress {update.progress} %", update.note]
