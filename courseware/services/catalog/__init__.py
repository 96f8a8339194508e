"""The catalog: the one door to published content and the reader's language.

Owns the published outline of every course (courses, modules, lessons, their current revisions and
quizzes), kept in memory per process and per language and refreshed when `content_version` changes.
Pages read lessons from here, never from the database. May import: models, content, i18n, errors.
"""
