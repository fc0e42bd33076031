"""How the API writes its answers: ninja's JSON encoder made faster for amounts and dates, and the
hot path's rendering of one response model without ninja's per-request machinery."""

import json
from datetime import date
from decimal import Decimal

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

JSON = "application/json; charset=utf-8"  # the content type ninja's renderer answers with


class AnswerEncoder(NinjaJSONEncoder):
    """Ninja's JSON encoder, with the answers' most frequent values (amounts, dates) turned to text
    first: the encoder asks a chain of type checks (pydantic models, URLs, addresses, enums, then
    Django's) for every value it cannot write itself. The text is the one Django's encoder gives."""

    def default(self, o):
        kind = type(o)
        if kind is Decimal:
            return str(o)
        if kind is date:
            return o.isoformat()
        return super().default(o)


class AnswerRenderer(JSONRenderer):
    encoder_class = AnswerEncoder


def render_answer(model: type[BaseModel], data: dict) -> str:
    """The text ninja answers for `data` under `response=model`: validated by the model, dumped and
    written by AnswerEncoder — without the response-wrapper model ninja validates through and the
    response object it prepares on every request."""
    return json.dumps(model.model_validate(data).model_dump(), cls=AnswerEncoder)
