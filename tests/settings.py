"""Test settings: the real settings with a throwaway var dir, fast password hashing and immediate tasks."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("CSD_ENCRYPTION_KEY", "test-only-csd-encryption-key")
os.environ.setdefault("CFDIDESK_VAR_DIR", tempfile.mkdtemp(prefix="cfdidesk-test-"))

from cfdidesk.settings import *  # noqa: E402,F403

# Hashing with Argon2 is deliberately slow; tests that check it use the production list.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
