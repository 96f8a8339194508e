"""The logic: plain functions that take arguments, do one thing, and are the only code that commits."""
