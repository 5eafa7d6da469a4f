"""Field types for request bodies that mean what the OpenAPI document says.

pydantic's lax mode reads `0` as `false` and as 1970-01-01, and `"12"` as 12: a body the
document calls invalid was accepted (schemathesis found it). JSON bodies use these strict
types; query parameters, always text in an address, keep the lax ones."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = ["BodySchema", "IsoDate", "StrictBool", "StrictInt", "decimal_number"]


def _date_text(value):
    if isinstance(value, datetime.date | str):
        return value
    raise PydanticCustomError("date_type", "Date attendue au format AAAA-MM-JJ.")


# A date in a JSON body: "AAAA-MM-JJ" only (never a number of seconds since 1970).
IsoDate = Annotated[datetime.date, BeforeValidator(_date_text)]


def decimal_number(minimum: float, maximum: float):
    """A decimal query parameter rounded to the cent (half up), documented as the number
    it is: pydantic documented "any string" beside the number, and refused more than two
    decimals that a caller had no way to know about."""

    def to_cents(value: Decimal) -> Decimal:
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    return Annotated[
        Decimal,
        AfterValidator(to_cents),
        WithJsonSchema({"type": "number", "minimum": minimum, "maximum": maximum}),
    ]


class BodySchema(Schema):
    """A JSON body's object: ninja's `Schema` reads attributes of anything (made for
    output), so `[null, null]` became an object of defaults; a body's object is an object."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        given = value._obj if isinstance(value, DjangoGetter) else value
        if isinstance(given, dict | Schema):
            return value
        raise PydanticCustomError("model_type", "Objet attendu.")
