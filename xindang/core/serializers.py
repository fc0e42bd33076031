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
