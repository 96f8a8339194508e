"""The president's pages under /author/: lessons, revisions, publishing, quizzes and images, the
culture pulse and what managers apply."""
