"""The helpdesk data of tickets_pages.py and dashboard.py: companies and their contacts,
consultants, teams, and a million tickets with their timelines, references, attachments and SLA
columns.

- generate: Helpdesk, the deterministic generator (block by block), and the row layouts
- sla:      SlaTargets, the SLA columns from the database's policies and business calendar
- load:     setup_people (companies, contacts, consultants, teams), load and finish_load
"""

from .generate import BLOCK, STATUSES, Helpdesk
from .load import finish_load, load, setup_people
from .sla import SlaTargets

__all__ = ["BLOCK", "STATUSES", "Helpdesk", "SlaTargets", "finish_load", "load", "setup_people"]
