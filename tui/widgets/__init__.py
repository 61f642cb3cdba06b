"""Reusable widgets: a date field that saves only real dates, a footer that keeps the essential keys."""
