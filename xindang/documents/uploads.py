"""Uploads refused as soon as they pass the policy's size limit.

Django reads a whole multipart body before a view can look at a file's size, so a 2 GB upload used to
be received in full only to be refused. LimitedUploadHandler (first in FILE_UPLOAD_HANDLERS) counts
each file's bytes as they arrive and stops reading the body the moment one passes
policy.core.upload_limit_mb. The file is then handed to the view as an OversizedUpload — no content,
a size above the limit — so every upload path (documents, versions, imports) refuses it with the
same "larger than the limit" message as before, from the same size check.
"""

import io

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from xindang.policy.selectors import current_policy


class OversizedUpload(UploadedFile):
    """A file whose upload was cut at the limit: its name, and a size one byte past the limit."""

    def __init__(self, name: str, content_type: str | None, size: int):
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = current_policy().core.upload_limit_mb * 1024 * 1024
        self.received = 0

    def new_file(
        self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None
    ):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                oversized = getattr(self.request, "_oversized_uploads", {})
                oversized[self.field_name] = OversizedUpload(
                    self.file_name, self.content_type, self.limit + 1
                )
                self.request._oversized_uploads = oversized
            raise StopUpload(connection_reset=True)  # read no more of the body
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the data


class OversizedUploadMiddleware:
    """Puts a file cut at the limit back into request.FILES (as an OversizedUpload), so the view's
    own size check answers. Parses a multipart body before the view, as the CSRF check does anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and (request.content_type or "") == "multipart/form-data":
            files = request.FILES
            for name, upload in getattr(request, "_oversized_uploads", {}).items():
                files.setlist(name, [upload])
        return self.get_response(request)
