"""Every action the audit log records, named once. audit.services.audit_record refuses any other,
and the pages that print the log (the `_audit_action.html` partials) switch on these values."""

from enum import StrEnum


class AuditAction(StrEnum):
    USER_CREATE = "user.create"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    LOGIN_LINK_CREATE = "login_link.create"
    LOGIN_LINK_USE = "login_link.use"

    COMPANY_CREATE = "company.create"
    COMPANY_UPDATE = "company.update"
    COMPANY_ARCHIVE = "company.archive"
    COMPANY_RESTORE = "company.restore"
    COMPANY_DELETE = "company.delete"
    COMPANY_IMPORT_UPDATE = "company.import_update"
    COMPANY_CONTACT_ADD = "company.contact_add"
    COMPANY_CONTACT_REMOVE = "company.contact_remove"
    CONTACT_CREATE = "contact.create"
    CONTACT_UPDATE = "contact.update"
    IMPORT_CREATE = "import.create"
    IMPORT_CONFIRM = "import.confirm"
    IMPORT_CANCEL = "import.cancel"
    IMPORT_WRITE = "import.write"

    CALENDAR_CREATE = "calendar.created"
    CALENDAR_UPDATE = "calendar.updated"
    ONCALL_CREATE = "oncall.create"
    ONCALL_UPDATE = "oncall.update"
    ONCALL_DELETE = "oncall.delete"
    ESCALATION_STEP_CREATE = "escalation_step.create"
    ESCALATION_STEP_UPDATE = "escalation_step.update"
    ESCALATION_STEP_DELETE = "escalation_step.delete"

    KB_ARTICLE_CREATE = "kb.article.create"
    KB_ARTICLE_UPDATE = "kb.article.update"
    KB_ARTICLE_PUBLISH = "kb.article.publish"
    KB_ARTICLE_UNPUBLISH = "kb.article.unpublish"
    KB_ARTICLE_DELETE = "kb.article.delete"

    INVOICING_ENVIRONMENT_CREATE = "invoicing.environment_create"
    INVOICING_ENVIRONMENT_UPDATE = "invoicing.environment_update"
    INVOICING_CSD_LOAD = "invoicing.csd_load"
    INVOICING_CREDITS_LOAD = "invoicing.credits_load"
    INVOICING_DOCUMENTS_IMPORT = "invoicing.documents_import"
