"""Learning: where each person stands and what they have shown they know.

Owns lesson progress (opening, reading, completing), a course state as a whole, quiz attempts and their
grading, certificates (what each covers, its validity, supersession and renewal), a course's
certificate settings (audited), the refresh check that renews a certificate (`refresh.py`) and the
30- and 90-day follow-up checks. May import: ops.audit, catalog, people, models, content, i18n, errors.
"""
