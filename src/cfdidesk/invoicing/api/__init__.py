"""The invoicing pipeline over the API: the same services, selectors and access rules as the pages.

One router (router.py); its endpoints by concern: environments.py, movements.py, documents.py and
generator.py (generator, debug log, credits), registered in that order; schemas.py and outputs.py
hold what they take and answer.
"""

from .router import router

# isort: off
# The order of the operations in the OpenAPI schema and the docs.
from . import environments, movements, documents, generator  # noqa: E402, F401
# isort: on

__all__ = ["router"]
