"""`cfdidesk check --deploy` says so when CSD keys could not be stored or read."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def csd_encryption_key(app_configs, **kwargs):
    if settings.DEBUG or getattr(settings, "CSD_ENCRYPTION_KEY", None):
        return []
    return [
        Error(
            "CSD_ENCRYPTION_KEY is not set.",
            hint="Set CSD_ENCRYPTION_KEY (a long random string) to store invoicing CSD keys encrypted.",
            id="invoicing.E001",
        )
    ]
