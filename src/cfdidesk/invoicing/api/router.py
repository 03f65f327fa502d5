"""The invoicing router; every endpoint module registers its operations on it."""

from ninja import Router

router = Router(tags=["Facturación"])
