"""The overview's chart of course status by department (HR's and a line manager's /team), laid out
here rather than in the template: a department's bar has a segment per state, each with a count, a
position and a label, and building them in Jinja translated and formatted every piece anew, about a
millisecond a department (a third of /team's time at 50,000 managers). Here each state's name and the
label's pattern are translated once a page, and the numbers formatted in the page's language."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware.formatting import whole_number_formatter
from courseware.services.reports.completion import DepartmentSummary

# One segment per state a person is counted in (services/reports/course_states.py): each person once.
SEGMENTS = (("complete", _l("Complete")), ("updated", _l("Complete for an earlier version")),
            ("refresh_due", _l("Refresh due")), ("expired", _l("Expired")),
            ("in_progress", _l("In progress")), ("overdue", _l("Overdue")),
            ("not_started", _l("Not started")))
LABELLED_FROM = 6  # a segment this wide (percent of the longest bar) or wider shows its count


@dataclass(frozen=True, slots=True)
class Segment:
    key: str
    x: float  # where it starts, in percent of the chart's width
    width: float
    middle: float  # where its count is written
    count: str  # formatted
    labelled: bool  # wide enough to show its count


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    people: int
    people_text: str  # "12 people"
    label: str  # what a screen reader says of the bar: every state's count
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    largest: int  # the most people in one department: the longest bar
    legend: tuple[tuple[str, str], ...]  # (state, name) of the states someone is in


def completion_chart(summaries: Sequence[DepartmentSummary]) -> Chart:
    largest = max((summary.people for summary in summaries), default=0)
    names = [(key, str(name)) for key, name in SEGMENTS]
    number = whole_number_formatter()
    # Translators: one segment of a department's bar in the chart, e.g. "3 complete".
    piece = _("%(num)s %(state)s")
    comma = _(", ")
    labelled = _("%(department)s: %(counts)s.")  # what a screen reader says of a department's bar
    lowered = [(key, name.lower()) for key, name in names]
    translations = get_translations()  # the page's catalogs (courseware/i18n.py), as _ reads them

    def bar(summary: DepartmentSummary) -> Bar:
        counts = comma.join(piece % {"num": number(summary.counts[key]), "state": state}
                            for key, state in lowered)
        return Bar(summary.name, summary.people,
                   translations.ngettext("%(num)s person", "%(num)s people", summary.people)
                   % {"num": number(summary.people)},
                   labelled % {"department": summary.name, "counts": counts},
                   _segments(summary, largest, number))

    legend = tuple((key, name) for key, name in names if any(summary.counts[key] for summary in summaries))
    return Chart(tuple(bar(summary) for summary in summaries), largest, legend)


def _segments(summary: DepartmentSummary, largest: int, number: Callable[[int], str]) -> tuple[Segment, ...]:
    segments, x = [], 0.0
    for key, _name in SEGMENTS:
        count = summary.counts[key]
        if not count:
            continue
        width = count / largest * 100 if largest else 0.0
        segments.append(Segment(key, round(x, 3), round(width, 3), round(x + width / 2, 3), number(count),
                                width >= LABELLED_FROM))
        x += width
    return tuple(segments)
