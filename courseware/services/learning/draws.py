"""An attempt's draw: which questions of its quiz version's bank it asks, in which order, and the
order of each question's options.

Each attempt draws `draw` questions (content.quiz_files.draw_count), spread evenly over the learning
objectives where the bank has objectives (at least one of each), avoiding the questions of the
person's previous attempt where the bank has enough others, at random within that; options are
shuffled with a pinned option kept last (a true/false question keeps its two options in order). The
draw is made once, from a seed, when the attempt starts, and stored with it
(QuizAttempt.question_ids, option_order, draw_seed), so that its page, grading, score and review
never change. Attempts from before draws have none stored: they ask every question of their version,
in file order.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Protocol

from courseware.content.quiz_files import draw_count


@dataclass(frozen=True)
class Draw:
    seed: int
    question_ids: list[str]
    option_order: dict[str, list[str]]


class _Drawn(Protocol):
    question_ids: list | None
    option_order: dict | None

    @property
    def quiz_version(self): ...


def make_draw(questions: list[dict], draw: int | None, previous: list[str] | None = None,
              seed: int | None = None) -> Draw:
    """A new draw from the bank `questions`; `previous`: the question ids of the person's last
    attempt, in the order it asked them (its questions are avoided, and the order is never the same)."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = random.Random(seed)
    previous = list(previous or ())
    chosen = pick_questions(questions, draw_count(draw, len(questions)), previous, rng)
    by_id = {question["id"]: question for question in questions}
    return Draw(seed, chosen, {qid: option_order(by_id[qid], rng) for qid in chosen})


def pick_questions(questions: list[dict], count: int, previous: list[str], rng: random.Random) -> list[str]:
    """`count` question ids in the order asked, spread evenly over the objectives (one of each
    first, then a second of each, and so on; questions without an objective come after each round's
    objectives), each objective's questions not in `previous` before those that are, at random."""
    fresh = [q for q in questions if q["id"] not in previous]
    seen = [q for q in questions if q["id"] in previous]
    rng.shuffle(fresh)
    rng.shuffle(seen)
    objectives = list(dict.fromkeys(q["objective"] for q in questions if q.get("objective")))
    rng.shuffle(objectives)
    # An even spread is what lets a retake ask only new questions: a draw that took one objective's
    # whole share would leave the retake none of it that is new.
    queues = {objective: [q["id"] for q in fresh + seen if (q.get("objective") or None) == objective]
              for objective in [*objectives, None]}
    chosen: list[str] = []
    while len(chosen) < count and any(queues.values()):
        for queue in queues.values():
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    rng.shuffle(chosen)
    if chosen == previous and len(chosen) > 1:
        # The same questions as last time (a small bank): at least never in the same order.
        chosen = chosen[1:] + chosen[:1]
    return chosen


def option_order(question: dict, rng: random.Random) -> list[str]:
    """The question's option keys in the order shown: shuffled, a pinned option last."""
    keys = [option["key"] for option in question["options"]]
    if question["type"] == "true_false":
        return keys
    free = [option["key"] for option in question["options"] if not option.get("pinned")]
    rng.shuffle(free)
    return free + [key for key in keys if key not in free]


def questions_of(attempt: _Drawn) -> list[dict]:
    """The questions the attempt asks, in the order asked, each with its options in the order
    shown; every question of the version in file order for an attempt without a stored draw."""
    return drawn_questions(attempt.quiz_version.questions, attempt.question_ids, attempt.option_order)


def drawn_questions(questions: list[dict], question_ids: list | None, orders: dict | None) -> list[dict]:
    """`questions_of` from an attempt's stored draw (`question_ids`, option `orders`) and the bank
    `questions` of its version, as rows hold them."""
    if question_ids is None:
        return list(questions)
    by_id = {question["id"]: question for question in questions}
    orders = orders or {}
    drawn = []
    for question_id in question_ids:
        question = by_id.get(question_id)
        if question is None:
            continue
        options = {option["key"]: option for option in question["options"]}
        order = [key for key in orders.get(question_id, ()) if key in options]
        order += [key for key in options if key not in order]
        drawn.append({**question, "options": [options[key] for key in order]})
    return drawn
