"""What each message says, in the recipient's language.

A notification or delivery stores a message key and its parameters (ids, dates, counts), never text:
the words are made here when a person reads the notice or when the message is sent, in their
language, with the course's and lesson's titles in that language from the outline.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from courseware.formatting import format_date
from courseware.services import catalog


class Kind(StrEnum):
    """What a message is about: the log's filter and what a person may turn off."""

    ASSIGNED = "assigned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NEW_LESSON = "new_lesson"
    REFRESH_DUE = "refresh_due"
    DIGEST = "digest"
    TEST = "test"
    NUDGE = "nudge"
    # The president asks to feature a reflection (services/practice/featuring.py): in the bell only.
    FEATURE_REQUEST = "feature_request"
    QUESTION_ANSWERED = "question_answered"

    @property
    def label(self) -> str:
        return str(_KIND_LABELS[self.value])

    @property
    def mandatory(self) -> bool:
        """Reminders of an assigned course, and of a certificate's refresh (required learning too),
        and HR's nudges: they may move to another channel, never stop."""
        return self in (Kind.ASSIGNED, Kind.DUE_SOON, Kind.OVERDUE, Kind.REFRESH_DUE, Kind.TEST, Kind.NUDGE)


_KIND_LABELS = {
    "assigned": _l("Course assigned"), "due_soon": _l("Due soon"), "overdue": _l("Overdue"),
    "new_lesson": _l("New or revised lesson"), "refresh_due": _l("Refresh due"),
    "digest": _l("Weekly digest of your people"), "test": _l("Test message"), "nudge": _l("Nudge from HR"),
    "feature_request": _l("Request to feature your reflection"),
    "question_answered": _l("Answer to your question"),
}


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


class Titles:
    """Course and lesson titles in one language, from the outline (the stored title when the
    course or lesson is no longer published)."""

    def __init__(self, session: Session, language: str) -> None:
        self.outline = catalog.current(session, language)

    def course(self, params: dict) -> str:
        return self.outline.course_title(params.get("course_id") or 0) or params.get("course_title", "")

    def lesson(self, params: dict) -> str:
        return self.outline.lesson_title(params.get("lesson_id") or 0) or params.get("lesson_title", "")


def _due(params: dict) -> str:
    return format_date(date.fromisoformat(params["due_on"])) if params.get("due_on") else ""


def _assigned(titles: Titles, params: dict) -> Rendered:
    course = titles.course(params)
    return Rendered(_("New course for you: %(course)s", course=course),
                    _("%(course)s has been assigned to you. Please complete it by %(date)s.",
                      course=course, date=_due(params)))


def _due_soon(titles: Titles, params: dict) -> Rendered:
    course, days = titles.course(params), int(params.get("days", 0))
    if days <= 0:
        return Rendered(_("%(course)s is due today", course=course),
                        _("Please complete %(course)s today (%(date)s).", course=course, date=_due(params)))
    return Rendered(ngettext("%(course)s is due in %(num)d day", "%(course)s is due in %(num)d days", days,
                             course=course),
                    ngettext("Please complete %(course)s by %(date)s: %(num)d day left.",
                             "Please complete %(course)s by %(date)s: %(num)d days left.", days,
                             course=course, date=_due(params)))


def _overdue(titles: Titles, params: dict) -> Rendered:
    course = titles.course(params)
    return Rendered(_("%(course)s is overdue", course=course),
                    _("%(course)s was due on %(date)s. Please complete it as soon as you can.",
                      course=course, date=_due(params)))


def _new_lesson(titles: Titles, params: dict) -> Rendered:
    course, lesson = titles.course(params), titles.lesson(params)
    if params.get("revised"):
        return Rendered(_("Lesson updated: %(lesson)s", lesson=lesson),
                        _("%(lesson)s in %(course)s has been revised. Read what changed.",
                          lesson=lesson, course=course))
    return Rendered(_("New lesson: %(lesson)s", lesson=lesson),
                    _("A new lesson, %(lesson)s, has been published in %(course)s.",
                      lesson=lesson, course=course))


def _refresh_due(titles: Titles, params: dict) -> Rendered:
    course = titles.course(params)
    if params.get("expired"):
        return Rendered(_("Your certificate of %(course)s has expired", course=course),
                        _("Your certificate of %(course)s expired on %(date)s. Take the refresh check to "
                          "renew it.", course=course, date=_due(params)))
    return Rendered(_("Refresh due: %(course)s", course=course),
                    _("Your certificate of %(course)s expires on %(date)s. Take the refresh check before "
                      "then to renew it.", course=course, date=_due(params)))


_DIGEST_LINES = {
    "overdue": _l("%(name)s: %(course)s, overdue since %(date)s"),
    "due_soon": _l("%(name)s: %(course)s, due on %(date)s"),
    "refresh_due": _l("%(name)s: %(course)s, refresh due by %(date)s"),
    "expired": _l("%(name)s: %(course)s, certificate expired on %(date)s"),
}


def _digest(titles: Titles, params: dict) -> Rendered:
    """The weekly digest (digest.py): counts of the people's assigned courses by state, then by name
    those overdue or due within 7 days, one a line."""
    counts = {name: int(params.get("counts", {}).get(name, 0))
              for name in ("completed", "in_progress", "not_started", "overdue", "refresh_due")}
    title = _("Your team this week") if params.get("team", True) else _("Your department this week")
    lines = [_("Courses assigned to your people: %(completed)d completed, %(in_progress)d in progress, "
               "%(not_started)d not started, %(overdue)d overdue, %(refresh_due)d refresh due.", **counts)]
    listed = [entry for entry in params.get("listed", []) if entry.get("state") in _DIGEST_LINES]
    if listed:
        lines.append(_("Overdue or due within 7 days:"))
        lines += ["• " + str(_DIGEST_LINES[entry["state"]]) % {
            "name": entry.get("name", ""), "course": titles.course(entry),
            "date": format_date(date.fromisoformat(entry["on"]))} for entry in listed]
    else:
        lines.append(_("Nobody is overdue or due within the next 7 days."))
    if more := int(params.get("more", 0)):
        lines.append(ngettext("… and %(num)d more.", "… and %(num)d more.", more))
    return Rendered(title, "\n".join(lines))


def _test(titles: Titles, params: dict) -> Rendered:
    return Rendered(_("Test message from Culture Courses"),
                    _("%(name)s sent this test from the notification settings. If you can read it, "
                      "this channel works.", name=params.get("sender", "")))


def _nudge(titles: Titles, params: dict) -> Rendered:
    """HR's nudge: the person's open courses with their due dates, and HR's note if any."""
    open_courses = [_("%(course)s (due %(date)s)", course=titles.course(c), date=_due(c)) if c.get("due_on")
                    else titles.course(c) for c in params.get("courses", [])]
    sender = params.get("sender", "")
    body = _("%(sender)s reminds you of what is still open for you: %(courses)s.",
             sender=sender, courses=_("; ").join(open_courses))
    if params.get("note"):
        body += "\n\n" + _("Note from %(sender)s: %(note)s", sender=sender, note=params["note"])
    return Rendered(_("A reminder from %(sender)s", sender=sender), body)


def _feature_request(titles: Titles, params: dict) -> Rendered:
    """The president asks whether a reflection may be shown in its lesson (practice/featuring.py)."""
    lesson = titles.lesson(params)
    return Rendered(_("May your reflection appear in %(lesson)s?", lesson=lesson),
                    _("%(sender)s would like to show your reflection on %(lesson)s to the readers of the "
                      "lesson. Nothing is shown unless you agree, with your name or without it; you can "
                      "withdraw at any time.", sender=params.get("sender", ""), lesson=lesson))


def _question_answered(titles: Titles, params: dict) -> Rendered:
    """An answer to the person's question on a lesson (services/discussion/questions.py)."""
    lesson = titles.lesson(params)
    return Rendered(_("Your question on %(lesson)s was answered", lesson=lesson),
                    _("%(name)s answered the question you asked on %(lesson)s.",
                      name=params.get("answerer", ""), lesson=lesson))


def _group_assigned(titles: Titles, params: dict) -> Rendered:
    course, count = titles.course(params), int(params.get("count", 0))
    return Rendered(_("Course assigned: %(course)s", course=course),
                    ngettext("%(course)s has been assigned to %(num)d person, to complete by %(date)s.",
                             "%(course)s has been assigned to %(num)d people, to complete by %(date)s.",
                             count, course=course, date=_due(params)))


def _group_due_soon(titles: Titles, params: dict) -> Rendered:
    course, count = titles.course(params), int(params.get("count", 0))
    return Rendered(_("%(course)s is due on %(date)s", course=course, date=_due(params)),
                    ngettext("%(num)d person has not completed %(course)s yet; it is due on %(date)s.",
                             "%(num)d people have not completed %(course)s yet; it is due on %(date)s.",
                             count, course=course, date=_due(params)))


def _group_overdue(titles: Titles, params: dict) -> Rendered:
    course, count = titles.course(params), int(params.get("count", 0))
    return Rendered(_("%(course)s is overdue", course=course),
                    ngettext("%(num)d person has not completed %(course)s, which was due on %(date)s.",
                             "%(num)d people have not completed %(course)s, which was due on %(date)s.",
                             count, course=course, date=_due(params)))


MESSAGES: dict[str, Callable[[Titles, dict], Rendered]] = {
    "assigned": _assigned, "due_soon": _due_soon, "overdue": _overdue, "new_lesson": _new_lesson,
    "refresh_due": _refresh_due, "digest": _digest, "nudge": _nudge, "feature_request": _feature_request,
    "question_answered": _question_answered,
    "test": _test, "group_assigned": _group_assigned, "group_due_soon": _group_due_soon,
    "group_overdue": _group_overdue,
}


def render(session: Session, message: str, params: dict, language: str) -> Rendered:
    """The message in `language` (a notice the site no longer knows shows its key)."""
    return render_with(Titles(session, language), message, params, language)


def render_with(titles: Titles, message: str, params: dict, language: str) -> Rendered:
    """`render` with the titles in `language` already read (a batch of messages reads them once)."""
    with force_locale(language):
        make = MESSAGES.get(message)
        if make is None:
            return Rendered(message, "")
        return make(titles, params)


def render_in_request(message: str, params: dict, titles: Titles) -> Rendered:
    """The message in the request's language, with titles looked up once for a whole list."""
    make = MESSAGES.get(message)
    return make(titles, params) if make is not None else Rendered(message, "")


@dataclass(frozen=True)
class MailTexts:
    link: str
    footer: str


def mail_texts(kind: Kind, language: str, unsubscribe: str | None,
               preferences: str | None = None) -> MailTexts:
    """The words around a message: its link's text, why the person gets it (with the way to stop it,
    for an optional kind) and where they choose how they are told (`preferences`)."""
    with force_locale(language):
        link = _("Open in Culture Courses")
        if kind is Kind.TEST:
            footer = _("A test from the notification settings of Culture Courses.")
        elif kind is Kind.REFRESH_DUE:
            footer = _("You receive this because your certificate of this course is due for renewal: one "
                       "message for each renewal date.")
        elif kind is Kind.DIGEST:
            footer = _("You receive this weekly digest because people report to you. To stop these "
                       "e-mails: %(url)s", url=unsubscribe or "")
        elif kind is Kind.QUESTION_ANSWERED:
            footer = _("You receive this because you asked a question on this lesson. To stop these "
                       "e-mails: %(url)s", url=unsubscribe or "")
        elif kind.mandatory:
            footer = _("You receive these reminders because a course was assigned to you. They stop "
                       "once you complete it.")
        else:
            footer = _("You receive this because you have started this course. To stop these e-mails: "
                       "%(url)s", url=unsubscribe or "")
        if preferences and kind is not Kind.TEST:
            footer += " " + _("Choose how you are told: %(url)s", url=preferences)
        return MailTexts(link, footer)
