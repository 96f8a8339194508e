"""Discussion: questions on a lesson, the answers of the president and the hosts they name, "I have
this question too", answers pinned into the lesson page, moderation, and the list of hosts.

May import: errors, ops.audit, catalog, people, learning, practice, notifications (the asker hears of
an answer through its planning and deliveries, with their preferences), models, content.
"""
