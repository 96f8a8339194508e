"""Each person's totals in a course and each lesson's stage counts, as HR's reports read them: from
the progress totals the database keeps on every write (models/totals.py, triggers on
lesson_progress), so that a report reads one row per person instead of one per person and lesson.

The per-person totals count every lesson of the course; the reports count only the published ones.
While no progress row lies in a lesson of the course that is not published (a lesson withdrawn after
people opened it), the two are the same; otherwise the totals are aggregated from the progress rows
as before (`live_person_totals`).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, exists, func, literal, select
from sqlalchemy.orm import Session

from courseware.models import (
    CourseProgressTotals,
    Lesson,
    LessonMaskBit,
    LessonProgress,
    LessonStageTotals,
    User,
)

LAST_BIT = 62  # the masks keep bits 0 to 62 (migration e4a8c2f6b1d9)
# For each bit of a byte, a table that turns a byte into 1 where that bit is set, 0 where not.
_BIT_OF_BYTE = [bytes((value >> bit) & 1 for value in range(256)) for bit in range(8)]


def totals_count_published_only(session: Session, course_id: int) -> bool:
    """Whether the course's totals count only published lessons: no progress in any other."""
    withdrawn = select(Lesson.id).where(Lesson.course_id == course_id, ~Lesson.is_published)
    return not session.scalar(select(exists().where(LessonProgress.lesson_id.in_(withdrawn))))


def person_totals(session: Session, course_id: int, lesson_ids: list[int],
                  people_ids: Select[tuple[int]] | None, with_activity: bool = True) -> Select[Any]:
    """Per person: lessons opened, read, quiz passed, completed; seconds spent; last visit."""
    if not totals_count_published_only(session, course_id):
        return live_person_totals(lesson_ids, people_ids, with_activity)
    totals = CourseProgressTotals
    query = select(totals.user_id, totals.opened, totals.read, totals.quiz_passed, totals.completed,
                   totals.seconds_spent, totals.last_opened_at).where(totals.course_id == course_id)
    if people_ids is not None:
        query = query.where(totals.user_id.in_(people_ids))
    return query


def live_person_totals(lesson_ids: list[int], people_ids: Select[tuple[int]] | None,
                       with_activity: bool = True) -> Select[Any]:
    """The same totals aggregated from the progress rows of the published lessons.

    Reads only the columns of ix_lesson_progress_person_totals, so SQLite never touches the table.
    """
    progress = LessonProgress
    activity = ((func.sum(progress.seconds_spent), func.max(progress.last_opened_at)) if with_activity
                else (literal(0), literal(None)))
    query = (
        select(progress.user_id, func.count(), func.count(progress.read_at),
               func.count(progress.quiz_passed_at), func.count(progress.completed_at), *activity)
        # "+ 0" keeps SQLite from choosing the per-lesson index (and then sorting every row by
        # person) when it has no statistics: the person-ordered covering index is read instead.
        .where((progress.lesson_id + 0).in_(lesson_ids))
        .group_by(progress.user_id)
    )
    if people_ids is not None:
        query = query.where(progress.user_id.in_(people_ids))
    return query


def lesson_stages(session: Session, lesson_ids: list[int]) -> dict[int, list[int]]:
    """Per lesson: how many active people opened it, read it, passed its quiz and completed it.

    Everyone's counts from the lesson totals, then the (few) deactivated people's rows taken off."""
    stages = LessonStageTotals
    counts = {lesson_id: list(values) for lesson_id, *values in session.execute(
        select(stages.lesson_id, stages.opened, stages.read, stages.quiz_passed, stages.completed)
        .where(stages.lesson_id.in_(lesson_ids)))}
    progress = LessonProgress
    for lesson_id, *gone in session.execute(
        # "+ 0": look the few deactivated people up by person, not every row up by lesson.
        select(progress.lesson_id, func.count(), func.count(progress.read_at),
               func.count(progress.quiz_passed_at), func.count(progress.completed_at))
        .where(progress.user_id.in_(select(User.id).where(User.active.is_(False))),
               (progress.lesson_id + 0).in_(lesson_ids))
        .group_by(progress.lesson_id)
    ):
        counts[lesson_id] = [total - taken for total, taken in zip(counts.get(lesson_id, [0] * 4), gone,
                                                                    strict=True)]
    return counts


def lesson_bits(session: Session, lesson_ids: list[int]) -> dict[int, int] | None:
    """Each lesson's bit in the masks, or None when one of them has no bit the masks keep."""
    query = select(LessonMaskBit.lesson_id, LessonMaskBit.bit).where(LessonMaskBit.lesson_id.in_(lesson_ids))
    bits = dict(session.execute(query).tuples().all())
    if len(bits) < len(set(lesson_ids)) or any(bit > LAST_BIT for bit in bits.values()):
        return None
    return bits


def stages_from_masks(session: Session, course_id: int, people_ids: Select[tuple[int]],
                      bits: dict[int, int]) -> dict[int, list[int]]:
    """Per lesson: how many of these people opened it, read it, passed its quiz and completed it,
    from each person's four masks (one row per person, not one per person and lesson). The people
    who share the same four masks (most who follow the course in order) come back as one row."""
    totals = CourseProgressTotals
    masks = (totals.opened_bits, totals.read_bits, totals.quiz_passed_bits, totals.completed_bits)
    groups = session.connection().execute(
        select(*masks, func.count()).where(totals.course_id == course_id, totals.user_id.in_(people_ids))
        .group_by(*masks)).all()
    return stages_of_mask_groups(groups, bits)


def stages_of_mask_groups(groups: Sequence[Sequence[int]], bits: dict[int, int]) -> dict[int, list[int]]:
    """Per lesson, the counts of `stages_from_masks` from its groups: (opened, read, quiz passed and
    completed masks, how many people have those four)."""
    per_stage = [weighted_bit_counts([(group[stage], group[4]) for group in groups]) for stage in range(4)]
    return {lesson_id: [counts[bit] for counts in per_stage] for lesson_id, bit in bits.items()}


def weighted_bit_counts(masks: list[tuple[int, int]]) -> list[int]:
    """How many people have each of the 64 bits set, from (mask, how many people have it): the masks
    of each weight counted together (few weights: they add up to the number of people)."""
    by_weight: dict[int, list[int]] = {}
    for mask, weight in masks:
        by_weight.setdefault(weight, []).append(mask)
    counts = [0] * 64
    for weight, same in by_weight.items():
        if len(same) < _FEW_MASKS and all(0 <= mask < _MASK_END for mask in same):
            _add_set_bits(same, weight, counts)
            continue
        found = bit_counts(tuple(same))
        counts = [total + weight * here for total, here in zip(counts, found, strict=True)]
    return counts


# Fewer masks than this of one weight (a team's groups: each of its own size) have their set bits
# counted one by one: for a few masks, faster than bit_counts's 64 passes and the sum of 64 counts.
_FEW_MASKS = 16
_MASK_END = 1 << 64  # bit_counts reads 8 bytes a mask


def _add_set_bits(masks: list[int], weight: int, counts: list[int]) -> None:
    """Add `weight` to the count of each bit set in each mask (0 to 2**64 - 1), lowest bit first."""
    for mask in masks:
        while mask:
            lowest = mask & -mask
            counts[lowest.bit_length() - 1] += weight
            mask ^= lowest


def bit_counts(masks: tuple[int, ...]) -> list[int]:
    """How many of these masks (0 to 2**63 - 1) have each of the 64 bits set, in C-speed passes:
    the masks as 8 bytes each, then per byte and bit of it, the bytes with that bit set counted."""
    data = b"".join(mask.to_bytes(8, "little") for mask in masks)
    counts: list[int] = []
    for byte in range(8):
        column = data[byte::8]
        counts.extend(column.translate(table).count(1) for table in _BIT_OF_BYTE)
    return counts
