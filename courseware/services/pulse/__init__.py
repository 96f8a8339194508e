"""The culture pulse: a short survey the president publishes for a period (3 to 5 questions, each an
agreement scale from 1 to 5 or one choice among 2 to 6 options, never free text), answered once by
each manager so that nobody, the database included, can tell who answered what, and its figures.

- `pulses.py`    drafting, checking and publishing a pulse; the list of pulses.
- `answering.py` which pulse is open for a person, the one-answer-per-person token, storing answers.
- `results.py`   each question's distribution and mean, overall and by department (only where at
                 least 5 people answered, else folded into "Others"), and the trends across pulses.

May import: errors, people, models, timezones, formatting (nothing imports it but views and ops).
"""
