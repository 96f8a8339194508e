"""Learning: where each person stands and what they have shown they know.

Owns lesson progress (opening, reading, completing), quiz attempts and their grading, certificates and
the 30- and 90-day follow-up checks. May import: catalog, people, models, content, i18n, errors.
"""
