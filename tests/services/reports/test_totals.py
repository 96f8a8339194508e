"""services/reports/totals.py: each lesson's bit, and the counting of bits over many masks."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from courseware.extensions import db
from courseware.services.catalog import published
from courseware.services.reports import totals


def test_bit_counts_counts_each_bit_over_the_masks():
    rng = random.Random(20)
    masks = tuple(rng.getrandbits(63) for _ in range(500)) + (0, 2**63 - 1)
    expected = [sum(1 for mask in masks if mask >> bit & 1) for bit in range(64)]
    assert totals.bit_counts(masks) == expected
    assert totals.bit_counts(()) == [0] * 64


def test_weighted_bit_counts_count_each_mask_as_often_as_its_weight():
    rng = random.Random(21)
    masks = [(rng.getrandbits(40), rng.randint(1, 30)) for _ in range(200)]
    expected = [sum(weight for mask, weight in masks if mask >> bit & 1) for bit in range(64)]
    assert totals.weighted_bit_counts(masks) == expected
    assert totals.weighted_bit_counts([]) == [0] * 64


def test_weighted_bit_counts_agree_for_a_few_masks_of_a_weight_and_for_many():
    # A weight shared by fewer than 16 masks (a team's groups) has its set bits counted one by one,
    # one shared by many (people counted one by one) in bytes: the counts are the same.
    rng = random.Random(22)
    masks = ([(rng.getrandbits(63), 1) for _ in range(300)] + [(rng.getrandbits(63), 7) for _ in range(3)]
             + [(0, 5), (2**63 - 1, 9), (2**64 - 1, 11), (rng.getrandbits(64), 2)])
    expected = [sum(weight for mask, weight in masks if mask >> bit & 1) for bit in range(64)]
    assert totals.weighted_bit_counts(masks) == expected
    for weight in (1, 7, 9):
        alone = [(mask, w) for mask, w in masks if w == weight]
        assert totals.weighted_bit_counts(alone) == [weight * count for count in
                                                     totals.bit_counts(tuple(mask for mask, _ in alone))]
    for outside in (-1, 2**64):
        with pytest.raises(OverflowError):
            totals.weighted_bit_counts([(outside, 1)])


def test_lesson_bits_are_none_when_a_lesson_is_past_the_masks(course):
    lesson_ids = [lesson.id for lesson in published.lessons(db.session, course)]
    bits = totals.lesson_bits(db.session, lesson_ids)
    assert bits is not None and sorted(bits.values()) == [0, 1]
    db.session.execute(sa.text("UPDATE lesson_mask_bits SET bit = 63 WHERE lesson_id = :lesson"),
                       {"lesson": lesson_ids[0]})
    assert totals.lesson_bits(db.session, lesson_ids) is None
    db.session.execute(sa.text("DELETE FROM lesson_mask_bits WHERE lesson_id = :lesson"),
                       {"lesson": lesson_ids[0]})
    assert totals.lesson_bits(db.session, lesson_ids) is None
