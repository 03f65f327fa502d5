"""Writes of the on-call concern: the roster (roster), the escalation chains and escalating a
ticket (escalation), tickets that arrive out of hours (arrival), and the periodic SLA sweep that
escalates at-risk and breached tickets (sweep)."""
