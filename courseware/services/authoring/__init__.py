"""Authoring: the president's writing desk.

Owns courses, modules and lessons, lesson revisions (never overwritten), the quiz editor and quiz
versions, publishing now or on a schedule, diffs between revisions, lesson images, and the import of
the course files (lessons/, quizzes/) into revisions. May import: ops.audit, models, content, i18n, errors.
"""
