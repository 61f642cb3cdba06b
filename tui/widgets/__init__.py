"""Widgets and renderables that several screens share."""
