"""People: accounts, departments, passwords, and which course each person must finish by when.

Owns signing in and account creation, HR's account administration and CSV import, the password rules,
and course assignments with their due dates (days of the company's calendar, courseware.timezones).
May import: ops.audit, models, errors, timezones.
"""
