"""Reports: what HR and the president read, aggregated in SQL.

Owns the completion figures by person and department, the funnel, per-question analysis, practice
participation (counts and rates only) and the CSV exports. Reads only; never commits.
May import: people, learning, catalog, models, content, i18n, errors.
"""
