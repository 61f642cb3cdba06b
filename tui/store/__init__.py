"""Storage: the only code that touches SQLite (through peewee; the reads the first screen needs through sqlite3)."""

from tui.store.db import StoreError, open_store
from tui.store.repo import Store

__all__ = ["Store", "StoreError", "open_store"]
