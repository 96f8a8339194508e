"""People: accounts, departments, passwords, and which course each person must finish by when.

Owns signing in and account creation, HR's account administration and CSV import, the password rules,
course assignments with their due dates (days of the company's calendar, courseware.timezones),
reporting lines (line managers, teams, department heads) and who an identity of the company's
identity provider signs in as. May import: ops.audit, models, errors, timezones.
"""
