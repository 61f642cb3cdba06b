"""The one exception for "the user's input is wrong": one sentence, shown as is, exit status 1.

Raised by the Workspace, the CLI and the training commands alike; the CLI turns it into `tenken: <sentence>`
on stderr and exit status 1, the TUI into a notification. Light on purpose: the CLI imports it at start.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user: one sentence, exit status 1."""
