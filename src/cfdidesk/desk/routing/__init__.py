"""Routing: the team and category a new ticket gets from the administrators' rules."""
