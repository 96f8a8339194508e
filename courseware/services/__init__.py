"""The logic: plain functions that take a session and arguments, do one thing, and are the only code
that commits. Views call them; they never import a view, a form or a template.

The packages, each owning one subject (ARCHITECTURE.md draws the map). A package may import the ones
listed before it, never one after it:

- `errors`      the domain errors every package raises and views turn into form messages or 4xx pages.
- `ops.audit`   the security audit trail (a leaf: models only), written by people, authoring and ops.
- `catalog`     the one door to published content in the reader's language: the in-memory outline.
- `people`      accounts, departments, passwords, course assignments and due dates.
- `learning`    a person's progress: reading, quizzes and attempts, certificates, follow-up checks.
- `practice`    goals, the focus check, the daily plan and summary, reflections, the own-data export.
- `reports`     what HR and the president read: completion, question analysis, participation, CSV.
- `pulse`       the culture pulse: drafting and publishing, answers no one can tie to a person, and
                its figures (by department only from 5 people on) and trends.
- `authoring`   the president's desk: lessons and revisions, quizzes, publishing, diffs, uploads, and
                the import of the course files.
- `notifications` what the site tells people and by which channel (the bell, e-mail, the messengers'
                group robots): reminders of assigned courses and new lessons, each delivered once.
- `discussion`  questions on a lesson: asking, "me too", the answers of the president and the hosts
                they name (pinned into the lesson or not), moderation, the hosts.
- `ops`         running the site: backups, the database copy, the demo company.
"""
