"""Practice: goals, the focus check, the daily to-do and summary, reflections and follow-up checks."""
