"""The API's JSON encoder writes every value as Django Ninja's own encoder does, only faster."""

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from ninja.responses import NinjaJSONEncoder

from xindang.api.answers import AnswerEncoder
from xindang.api.api import api


def test_the_answer_encoder_writes_what_ninjas_encoder_writes():
    values = {
        "amounts": [Decimal("0"), Decimal("80000.00"), Decimal("-1.5"), Decimal("1E+3"), Decimal("NaN")],
        "dates": [date(2026, 12, 7), date.min],
        "moments": [datetime(2026, 12, 7, 8, 0, 0, 123456, tzinfo=UTC), datetime(2026, 1, 1, 0, 0)],
        "other": [time(9, 30), timedelta(days=1), UUID(int=1), "华夏", 1, 1.5, None, True],
    }
    assert json.dumps(values, cls=AnswerEncoder) == json.dumps(values, cls=NinjaJSONEncoder)


def test_the_api_renders_with_it():
    assert api.renderer.encoder_class is AnswerEncoder
