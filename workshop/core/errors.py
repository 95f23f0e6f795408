"""The workshop's one error hierarchy: every error a learner or an instructor can act on.

Each subclass carries a message that says what happened and what to do; the UI and the
CLI show it as it is, never a traceback.
"""

from __future__ import annotations


class WorkshopError(Exception):
    """Something the learner or the instructor can act on: the message says what to do."""
