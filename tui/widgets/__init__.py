"""Widgets tenken uses on several screens."""
