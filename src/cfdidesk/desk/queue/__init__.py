"""The staff queue around the ticket list: saved views (filters, sort and columns per user) and
who else is on a ticket right now (the collision notice)."""
