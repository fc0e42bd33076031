"""A JSON serialisation format for backups that keeps datetimes to the microsecond (Django's JSON
encoder cuts them to milliseconds, which would change the rows — and the audit chain's hashes, which
cover the time of each event — on a restore). Registered as "exactjson" in SERIALIZATION_MODULES."""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options["cls"] = ExactJSONEncoder
        super()._init_options()

    def handle_field(self, obj, field):
        # Encrypted fields (identity numbers) go into a backup as Fernet tokens, never in clear; a
        # restore writes the token back as it is (core.fieldcrypto recognises a token), so reading a
        # restored backup needs the keys of XINDANG_FIELD_KEYS, kept apart from the backup.
        if getattr(field, "encrypted", False):
            from .fieldcrypto import encrypt

            self._current[field.name] = encrypt(field.value_from_object(obj) or "")
            return
        super().handle_field(obj, field)
