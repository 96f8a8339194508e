"""Ops: running the site.

Owns the audit trail of security events (a leaf every package may write to), online backups and
restores, the copy of every row from one database to another, and the demo company with its practice.
The demo may import every other package; nothing imports the demo.
"""
