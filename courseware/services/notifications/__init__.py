"""Notifications: what the site tells people, by which channel, exactly once.

Owns the messages (messages.py: each kind's words in the recipient's language), what is due at a
moment (planning.py: reminders of assigned courses, new and revised lessons, the group robots'
summaries; refresh_due.py: a certificate's refresh; digest.py: the line managers' weekly digest;
quiet hours and time zones in zones.py), claiming, sending, retrying and purging
deliveries (deliveries.py), the channels (channels.py; e-mail in mail.py, the WeCom, DingTalk and
Feishu robots in robots.py), a person's own notices and the bell's count (inbox.py), what a person
turned off and the signed unsubscribe links (preferences.py), HR's settings page and its tests
(settings.py) and the delivery log (log.py).

May import: catalog, people, learning, reports (read only: who is complete), models, errors.
courseware/jobs.py runs `deliveries.send_due` and `deliveries.deliver` on its schedule.
"""
