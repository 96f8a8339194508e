"""Per quiz question: how many answered, how many got it right, and the wrong option chosen most —
the ideas people misunderstand. An attempt answers only the questions it drew from the bank
(learning.draws), so each question is counted over the attempts that asked it, not over all."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.content.translations import same_quiz
from courseware.language import SOURCE_LANGUAGE
from courseware.models import AttemptAnswer, Course, Lesson, LessonRevision, Quiz, QuizAttempt, QuizVersion


@dataclass
class OptionStat:
    key: str
    text: str
    correct: bool
    chosen: int = 0


@dataclass
class QuestionStat:
    id: str
    prompt: str
    answered: int = 0
    right: int = 0
    options: list[OptionStat] = field(default_factory=list)

    @property
    def percent_right(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None

    @property
    def most_chosen_wrong(self) -> OptionStat | None:
        wrong = [o for o in self.options if not o.correct and o.chosen]
        return max(wrong, key=lambda o: o.chosen) if wrong else None


@dataclass
class QuizStat:
    lesson_position: int
    lesson_title: str
    version_number: int
    questions: list[QuestionStat]
    lesson_id: int | None = None


def analyse_course(session: Session, course: Course, language: str = SOURCE_LANGUAGE) -> list[QuizStat]:
    """Answers to the current version of each quiz of the course (older versions asked other things),
    counting the answers given to the same questions in another language, shown in `language`."""
    quizzes = session.execute(
        select(Quiz, Lesson.position, LessonRevision.title)
        .join(Lesson, Lesson.id == Quiz.lesson_id)
        .join(LessonRevision, LessonRevision.id == Lesson.published_revision_id)
        .where(Lesson.course_id == course.id, Quiz.current_version_id.is_not(None))
        .order_by(Lesson.position)
    ).all()
    version_ids = [quiz.current_version_id for quiz, _, _ in quizzes]
    # Translated versions with the current version's questions and keys: their answers are answers
    # to the same questions (the attempt and the grading are the quiz's, whatever the language).
    same_as: dict[int, int] = {}
    shown: dict[int, QuizVersion] = {}
    for quiz, _, _ in quizzes:
        for translation in quiz.translations:
            translated = translation.current_version
            if translated is not None and same_quiz(translated, quiz.current_version):
                same_as[translated.id] = quiz.current_version_id
                if translation.language == language:
                    shown[quiz.current_version_id] = translated
    tallies: dict[tuple[int, str], Counter] = {}
    answered: Counter = Counter()
    right: Counter = Counter()
    for version_id, question_id, selected, correct in session.execute(
        select(QuizAttempt.quiz_version_id, AttemptAnswer.question_id, AttemptAnswer.selected,
               AttemptAnswer.correct)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(QuizAttempt.quiz_version_id.in_(version_ids + list(same_as)))
    ):
        key = (same_as.get(version_id, version_id), question_id)
        answered[key] += 1
        right[key] += 1 if correct else 0
        tallies.setdefault(key, Counter()).update(selected)
    result = []
    for quiz, position, title in quizzes:
        version = quiz.current_version
        wording = {q["id"]: q for q in (shown[version.id].questions if version.id in shown else ())}
        questions = []
        for question in version.questions:
            key = (version.id, question["id"])
            chosen = tallies.get(key, Counter())
            text = wording.get(question["id"], question)
            option_text = {o["key"]: o["text"] for o in text["options"]}
            questions.append(QuestionStat(
                id=question["id"], prompt=text["prompt"], answered=answered[key], right=right[key],
                options=[OptionStat(o["key"], option_text.get(o["key"], o["text"]), o["correct"],
                                    chosen[o["key"]])
                         for o in question["options"]],
            ))
        result.append(QuizStat(position, title, version.number, questions, lesson_id=quiz.lesson_id))
    return result


@dataclass(frozen=True)
class WeakQuestion:
    quiz: QuizStat
    question: QuestionStat


WEAK_BELOW = 60  # percent right: a question most people miss is highlighted


def weakest_first(quizzes: list[QuizStat], limit: int = 10) -> list[WeakQuestion]:
    """Each quiz's questions put weakest first (fewest right; unanswered last), and the course's
    `limit` weakest answered questions, for the top of the page."""
    def weakness(question: QuestionStat) -> tuple[bool, int, int]:
        percent = question.percent_right
        return percent is None, percent if percent is not None else 0, -question.answered

    for quiz in quizzes:
        quiz.questions.sort(key=weakness)
    answered = [WeakQuestion(quiz, question) for quiz in quizzes for question in quiz.questions
                if question.percent_right is not None]
    return sorted(answered, key=lambda weak: weakness(weak.question))[:limit]
