"""All models, so that `from courseware.models import X` works and Alembic sees every table."""
from courseware.models.accounts import ROLES, Department, Role, User
from courseware.models.audit import AuditEvent
from courseware.models.content import (
    ContentFile,
    ContentVersion,
    Course,
    Lesson,
    LessonRevision,
    Module,
    Quiz,
    QuizVersion,
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
    "Department",
    "Lesson",
    "LessonProgress",
    "LessonRevision",
    "Module",
    "Quiz",
    "QuizAttempt",
    "QuizVersion",
    "Role",
    "User",
]
