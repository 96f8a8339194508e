"""Reading lessons/ and quizzes/ files, validating them, and rendering markdown: all of it here."""
