"""Refuse an oversized upload while it arrives, instead of writing all of it to disk first."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# The largest file any form of ours accepts; forms check their own, smaller limits too.
MAX_UPLOAD_BYTES_ATTR = "upload_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            setattr(self.request, MAX_UPLOAD_BYTES_ATTR, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
