"""Moderation's use cases: reporting and hiding automatically (reports.py), the committee's
actions on the queue (actions.py), and appeals (appeals.py)."""

from participation.moderation.services.actions import Action, act
from participation.moderation.services.appeals import appeal, appealable, decide_appeal
from participation.moderation.services.reports import report_item

__all__ = ["Action", "act", "appeal", "appealable", "decide_appeal", "report_item"]
