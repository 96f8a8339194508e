"""All models, so that `from courseware.models import X` works and Alembic sees every table."""
from courseware.models.accounts import ROLES, Department, Role, User
from courseware.models.audit import AuditEvent
from courseware.models.content import (
    ContentFile,
    ContentVersion,
    Course,
    Lesson,
    LessonRevision,
    LessonTranslation,
    Module,
    Quiz,
    QuizTranslation,
    QuizVersion,
)
from courseware.models.practice import (
    DailyEntry,
    FocusItem,
    FollowUpAnswer,
    FollowUpCheck,
    Goal,
    GoalUpdate,
    Reflection,
)
from courseware.models.progress import (
    Assignment,
    AttemptAnswer,
    AttemptState,
    Certificate,
    LessonProgress,
    QuizAttempt,
)

__all__ = [
    "Assignment",
    "AuditEvent",
    "ROLES",
    "AttemptAnswer",
    "AttemptState",
    "Certificate",
    "ContentFile",
    "ContentVersion",
    "Course",
    "DailyEntry",
    "Department",
    "FocusItem",
    "FollowUpAnswer",
    "FollowUpCheck",
    "Goal",
    "GoalUpdate",
    "Lesson",
    "LessonProgress",
    "LessonRevision",
    "LessonTranslation",
    "Module",
    "Quiz",
    "QuizAttempt",
    "QuizTranslation",
    "QuizVersion",
    "Reflection",
    "Role",
    "User",
]
