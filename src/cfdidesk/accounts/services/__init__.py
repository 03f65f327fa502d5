"""Every write on accounts: users and roles, set-password links, second factors, API tokens."""

from .tokens import TOKEN_PREFIX, token_authenticate, token_create, token_revoke
from .two_factor import (
    two_factor_disable,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_recovery_codes_renew,
    two_factor_reset,
    two_factor_roles_set,
    two_factor_verify,
)
from .users import (
    INVITE,
    RESET,
    password_link_deliver,
    password_link_send,
    password_set,
    portal_access_grant,
    portal_access_revoke,
    user_create,
    user_deactivate,
    user_reactivate,
    user_update,
)

__all__ = [
    "INVITE",
    "RESET",
    "TOKEN_PREFIX",
    "password_link_deliver",
    "password_link_send",
    "password_set",
    "portal_access_grant",
    "portal_access_revoke",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "two_factor_disable",
    "two_factor_enrol_confirm",
    "two_factor_enrol_start",
    "two_factor_recovery_codes_renew",
    "two_factor_reset",
    "two_factor_roles_set",
    "two_factor_verify",
    "user_create",
    "user_deactivate",
    "user_reactivate",
    "user_update",
]
