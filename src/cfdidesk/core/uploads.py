"""Uploads: refuse an oversized file while it arrives, instead of writing all of it to disk first."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

# Set on the request when a file went over settings.MAX_UPLOAD_BYTES and was dropped.
TOO_LARGE_ATTR = "upload_too_large"


def upload_too_large(request: HttpRequest) -> bool:
    """Whether an uploaded file of this request went over the limit (and was left out). The
    guard runs while the upload is parsed, so the form data is parsed first if it was not yet."""
    if request.method in ("POST", "PUT", "PATCH") and not hasattr(request, "_files"):
        request.FILES  # noqa: B018  (parsing the body runs the upload handlers)
    return bool(getattr(request, TOO_LARGE_ATTR, False))


class SizeLimitUploadHandler(FileUploadHandler):
    """The largest file any form of ours accepts; forms check their own, smaller limits too."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            setattr(self.request, TOO_LARGE_ATTR, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
