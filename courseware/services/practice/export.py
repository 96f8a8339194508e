"""A person's own practice entries, all of them, as Markdown (to read) or CSV (for a spreadsheet).
Deleted goals are included and marked, so that nothing a person wrote is missing. Headings, labels
and column names are in the language of the request; what the person wrote is as they wrote it."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courseware.formatting import format_percent
from courseware.models import DailyEntry, FocusItem, FollowUpCheck, Goal, Reflection, User
from courseware.timezones import to_local, zone_of


def _day(moment: datetime, zone: tzinfo) -> date:
    """The day of a stored time (naive UTC) in the person's zone."""
    return to_local(moment, zone).date()


def csv_header() -> list[str]:
    return [_("kind"), _("date"), _("about"), _("field"), _("text")]


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
    state = _("deleted") if goal.deleted_at else (_("done") if goal.done_at else _("in progress"))
    return _("%(progress)s, %(state)s", progress=format_percent(goal.progress), state=state)


def _check_result(check: FollowUpCheck) -> str:
    if check.skipped:
        return _("skipped")
    return _("%(right)d of %(total)d right", right=check.correct_count, total=check.question_count)


# --- Markdown -------------------------------------------------------------------------------------

def _quote(text: str | None, indent: str = "") -> list[str]:
    """A person's text as an indented block, one line per line they wrote."""
    return [f"{indent}    {line}".rstrip() for line in (text or "").splitlines()] or [f"{indent}    —"]


def markdown(session: Session, user: User, today: date) -> str:
    entries, zone = entries_of(session, user), zone_of(user)
    out = ["# " + _("Practice entries of %(name)s", name=user.full_name), "",
           _("Exported on %(date)s.", date=today.isoformat()), ""]
    out += _goals_section(entries.goals, zone)
    out += _focus_section(entries.focus, zone)
    out += _days_section(entries.days)
    out += _reflections_section(entries.reflections, zone)
    out += _checks_section(entries.checks, zone)
    return "\n".join(out).rstrip() + "\n"


def _goals_section(goals: list[Goal], zone: tzinfo) -> list[str]:
    out = ["## " + _("Goals"), ""]
    for goal in goals:
        assert goal.starts_on is not None  # a long-term goal always has its period
        out += [f"### {goal.title}", "",
                "- " + _("Long-term goal, %(start)s to %(end)s; %(status)s", start=goal.starts_on.isoformat(),
                         end=goal.target_on.isoformat(), status=_status(goal))]
        out += _goal_details(goal, "", zone)
        for child in goal.children:
            out.append("- " + _("Short-term goal: **%(title)s**, by %(date)s; %(status)s", title=child.title,
                                date=child.target_on.isoformat(), status=_status(child)))
            out += _goal_details(child, "  ", zone)
        out.append("")
    return out if goals else [*out, _("No goals."), ""]


def _focus_section(focus: list[FocusItem], zone: tzinfo) -> list[str]:
    out = ["## " + _("Focus check"), ""]
    for item in focus:
        decision = (_("declined (not to do)") if item.declined
                    else _("serves “%(goal)s”", goal=item.goal.title if item.goal else _("a goal")))
        line = _("%(date)s: %(request)s — %(decision)s", date=_day(item.created_at, zone).isoformat(),
                 request=item.text, decision=decision)
        out.append("- " + line + (_(" (%(note)s)", note=item.reason) if item.reason else ""))
    return [*out, "" if focus else _("Nothing triaged."), ""]


def _days_section(days: list[DailyEntry]) -> list[str]:
    out = ["## " + _("Days"), ""]
    for day in days:
        out += [f"### {day.day.isoformat()}", ""]
        for label, text in ((_("Most important thing"), day.most_important),
                            (_("What most needs doing well"), day.do_well),
                            (pgettext("daily summary", "Done"), day.done),
                            (_("Learned"), day.learned), (_("Tomorrow"), day.tomorrow)):
            if text:
                out += ["- " + _("%(label)s:", label=label), *_quote(text, "  ")]
        out.append("")
    return out if days else [*out, _("No days planned or summarized."), ""]


def _reflections_section(reflections: list[Reflection], zone: tzinfo) -> list[str]:
    out = ["## " + _("Reflections"), ""]
    for reflection in reflections:
        out += [f"### {reflection.lesson.title}", "", f"> {reflection.prompt}", "",
                *_quote(reflection.answer), ""]
        if reflection.shared_at:
            out.append(_("Shared with the president on %(date)s.",
                         date=_day(reflection.shared_at, zone).isoformat()))
        if reflection.reply and reflection.replied_at:
            out += [_("Reply on %(date)s:", date=_day(reflection.replied_at, zone).isoformat()),
                    *_quote(reflection.reply)]
        out.append("")
    return out if reflections else [*out, _("No reflections."), ""]


def _checks_section(checks: list[FollowUpCheck], zone: tzinfo) -> list[str]:
    out = ["## " + _("Follow-up checks"), ""]
    for check in checks:
        out.append("- " + _("%(date)s: %(lesson)s, %(days)d days after completing it: %(result)s",
                            date=_day(check.created_at, zone).isoformat(), lesson=check.lesson.title,
                            days=check.stage, result=_check_result(check)))
    return out if checks else [*out, _("No follow-up checks yet.")]


def _goal_details(goal: Goal, indent: str, zone: tzinfo) -> list[str]:
    lines = []
    if goal.measure:
        lines.append(f"{indent}- " + _("Measure of done: %(measure)s", measure=goal.measure))
    if goal.lesson is not None:
        lines.append(f"{indent}- " + _("Applies the lesson: %(lesson)s", lesson=goal.lesson.title))
    for update in reversed(goal.updates):
        day = _day(update.created_at, zone).isoformat()
        progress = _("%(date)s: %(progress)s", date=day, progress=format_percent(update.progress))
        lines.append(f"{indent}- " + progress + (f" — {update.note}" if update.note else ""))
    return lines


# --- CSV ------------------------------------------------------------------------------------------

def csv_rows(session: Session, user: User) -> Iterator[list[object]]:
    """(kind, date, about, field, text): one row per thing written, so that nothing is cut; the days
    of what was written at a time are the person's (their zone, else the company's)."""
    entries, zone = entries_of(session, user), zone_of(user)
    for goal in entries.goals:
        yield from _goal_rows(goal, _("long-term goal"), zone)
        for child in goal.children:
            yield from _goal_rows(child, _("short-term goal"), zone)
    focus = _("focus check")
    for item in entries.focus:
        about = _("not to do") if item.declined else (item.goal.title if item.goal else "")
        yield [focus, _day(item.created_at, zone), about, _("request"), item.text]
        if item.reason:
            yield [focus, _day(item.created_at, zone), about, _("note"), item.reason]
    day_fields = {"most_important": _("most important"), "do_well": _("do well"), "done": _("done"),
                  "learned": _("learned"), "tomorrow": _("tomorrow")}
    for day in entries.days:
        for name, field_name in day_fields.items():
            if getattr(day, name):
                part = _("plan") if name in ("most_important", "do_well") else _("summary")
                yield [_("day"), day.day, part, field_name, getattr(day, name)]
    kind = _("reflection")
    for reflection in entries.reflections:
        title = reflection.lesson.title
        yield [kind, _day(reflection.updated_at, zone), title, _("prompt"), reflection.prompt]
        yield [kind, _day(reflection.updated_at, zone), title, _("answer"), reflection.answer]
        if reflection.shared_at:
            yield [kind, _day(reflection.shared_at, zone), title, _("shared with the president"), _("yes")]
        if reflection.reply and reflection.replied_at:
            yield [kind, _day(reflection.replied_at, zone), title, _("president's reply"), reflection.reply]
    for check in entries.checks:
        yield [_("follow-up check"), _day(check.created_at, zone), check.lesson.title,
               _("%(days)d days", days=check.stage), _check_result(check)]


def _goal_rows(goal: Goal, kind: str, zone: tzinfo) -> Iterator[list[object]]:
    yield [kind, goal.target_on, goal.title, _("status"), _status(goal)]
    if goal.starts_on:
        yield [kind, goal.starts_on, goal.title, _("period starts"), goal.starts_on]
    if goal.measure:
        yield [kind, goal.target_on, goal.title, _("measure of done"), goal.measure]
    if goal.lesson is not None:
        yield [kind, goal.target_on, goal.title, _("lesson"), goal.lesson.title]
    for update in reversed(goal.updates):
        yield [kind, _day(update.created_at, zone), goal.title,
               _("progress %(progress)s", progress=format_percent(update.progress)), update.note]
