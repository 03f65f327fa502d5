"""CFDI Desk: helpdesk and back office for CFDI e-invoicing providers."""
