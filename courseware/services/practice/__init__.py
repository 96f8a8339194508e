"""Practice: what a manager does with the course between lessons.

Owns long- and short-term goals, the focus check and not-to-do list, the daily plan and evening
summary, reflections on lessons, and the export of one's own entries. Private to the person except
where they share. May import: catalog, learning, models, i18n, errors.
"""
