"""The president's pages under /author/: lessons, revisions, publishing, quizzes and images."""
