"""The invoicing router; every endpoint module registers its operations on it."""

from ninja import Router

router = Router(tags=["Facturación"])


def operation_id(view_name: str) -> str:
    """The operation id the endpoint had when the API was one module (api.py): clients generated
    from the OpenAPI schema keep their method names."""
    return f"cfdidesk_invoicing_api_{view_name}"
