"""Writes of notifications: customer e-mails (outbox), staff alerts (alerts), and the worker's
sending and retrying of both e-mails and webhook POSTs (delivery)."""
