"""Fast bulk inserts for imports and generators.

Django's `bulk_create` builds one multi-row INSERT per small batch (SQLite allows 999
parameters, so ~30 rows of a 30-column table) and prepares every value through the
compiler: on 100,000-row loads that overhead dominates. Here rows are read with one
`attrgetter` per model and sent with one `executemany` (SQLite) or `COPY` (PostgreSQL).
Written by hand because no maintained library does this for arbitrary Django models on
both backends; it does not return primary keys (callers fetch them by a unique column
when they need them).

Values are converted as the ORM converts them (`tests/core/test_bulk.py` compares the
stored rows with `bulk_create`'s, field type by field type, on both backends):

- strings, integers, booleans and foreign keys are the Python value itself;
- UUIDs, dates, aware datetimes, decimals and JSON values of the usual Python type go
  straight to the backend's own `connection.ops.adapt_*` function (what
  `get_db_prep_save` ends with), skipping the per-value `to_python`/`get_prep_value`
  dispatch; on SQLite an aware datetime's text is computed once per distinct instant;
- anything else (naive datetimes, strings for UUIDs, expressions…) goes through the
  field's own `get_db_prep_save`, as before;
- `auto_now`/`auto_now_add` fields are set once per call, to one `timezone.now()` (the
  time of the insert, as a database default would), on the objects too.

`new_instance(model, **kwargs)` builds what `model(**kwargs)` builds, for generators and
importers that build 100,000 unsaved rows (`Model.__init__` then shows in profiles).
"""

import datetime
import decimal
import operator
import uuid
from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import NOT_PROVIDED
from django.db.models.base import DEFERRED, ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

# Fields whose database value is the Python value itself (strings, integers, booleans).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField))
    ]


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> int:
    if not objects:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]  # the object itself, not the proxy
    fields = _insert_fields(model)
    now = None
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            # What `pre_save(obj, add=True)` does, with one clock reading per call.
            now = now or timezone.now()
            attname = field.attname
            for obj in objects:
                setattr(obj, attname, now)
    rows = _rows(fields, objects, connection)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            # Table and column names come from the model, quoted; values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)
    for obj in objects:
        state = obj._state
        state.adding, state.db = False, connection.alias
    return len(rows)


def _rows(fields: list[models.Field], objects: Sequence[models.Model], connection) -> list:
    """The rows to insert, one tuple (or list) of database values per object."""
    names = [field.attname for field in fields]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return [(get(obj),) for obj in objects]
    converters = [
        (index, converter)
        for index, field in enumerate(fields)
        if (converter := _converter(field, connection)) is not None
    ]
    if not converters:
        return [get(obj) for obj in objects]
    rows = []
    append = rows.append
    for obj in objects:
        row = list(get(obj))
        for index, convert in converters:
            row[index] = convert(row[index])
        append(row)
    return rows


def _converter(field: models.Field, connection) -> Callable | None:
    """A function from an attribute's value to the value `get_db_prep_save` gives for it,
    or None when that is the value itself."""
    if field.is_relation or isinstance(field, _PLAIN):
        return None  # a foreign key's raw value, or a string/integer/boolean
    ops = connection.ops
    # Fast paths for Django's own classes only: a subclass may convert differently.
    kind = type(field)

    def slow(value):
        return field.get_db_prep_save(value, connection)

    if kind is models.UUIDField:
        native = connection.features.has_native_uuid_field

        def convert_uuid(value):
            if type(value) is uuid.UUID:
                return value if native else value.hex
            return None if value is None else slow(value)

        return convert_uuid

    if kind is models.DateTimeField:
        adapt_datetime = ops.adapt_datetimefield_value
        if connection.vendor == "postgresql":
            last, last_adapted = None, None  # rows often share one object (`now`)

            def convert_datetime(value):
                nonlocal last, last_adapted
                if value is last:
                    return last_adapted
                if type(value) is datetime.datetime and value.utcoffset() is not None:
                    last, last_adapted = value, adapt_datetime(value)
                    return last_adapted
                return None if value is None else slow(value)

            return convert_datetime
        # SQLite: the text of the instant in the connection's time zone. Equal aware
        # datetimes are the same instant, hence the same text: computed once each.
        texts: dict[datetime.datetime, object] = {}

        last, last_text = None, None

        def convert_datetime_text(value):
            nonlocal last, last_text
            if value is last:
                return last_text
            if type(value) is datetime.datetime and value.utcoffset() is not None:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = adapt_datetime(value)
                last, last_text = value, text
                return text
            return None if value is None else slow(value)

        return convert_datetime_text

    if kind is models.DateField:
        adapt_date = ops.adapt_datefield_value

        def convert_date(value):
            if type(value) is datetime.date:
                return adapt_date(value)
            return None if value is None else slow(value)

        return convert_date

    if kind is models.DecimalField:
        adapt_decimal = ops.adapt_decimalfield_value
        max_digits, places = field.max_digits, field.decimal_places

        def convert_decimal(value):
            if type(value) is decimal.Decimal and value.is_finite():
                return adapt_decimal(value, max_digits, places)
            return None if value is None else slow(value)

        return convert_decimal

    if kind is models.JSONField:
        adapt_json = ops.adapt_json_value
        encoder = field.encoder

        def convert_json(value):
            kind = type(value)
            if kind is dict or kind is list or kind is str or kind is int or kind is bool:
                return adapt_json(value, encoder)
            return None if value is None else slow(value)

        return convert_json

    return slow


# --- building instances ------------------------------------------------------------------


def new_instance(model: type[models.Model], /, **kwargs) -> models.Model:
    """`model(**kwargs)`, for bulk paths (100,000 rows): the same instance, built without
    `Model.__init__`'s generic dispatch. Each field gets the value given under its name or
    attname, else its default; a related object goes through its descriptor (id, cache,
    `_state.db`) as in `__init__`. Anything unusual (init signals listened to, a keyword
    that is not a field, a field with a descriptor of its own) takes `model(**kwargs)`."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _plan(model)
    if plan is _PLAIN_INIT or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**kwargs)
    given = dict(kwargs)
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    for name, attname, is_relation, make_default, default in plan:
        if is_relation and name in given:
            value = given.pop(name)
            if value is not DEFERRED:
                setattr(obj, name, value)  # the descriptor, as `__init__` does
            continue
        value = given.pop(attname, _MISSING)
        if value is _MISSING:
            value = default if make_default is None else make_default()
        if value is not DEFERRED:
            attributes[attname] = value
    if given:
        return model(**kwargs)  # properties, or the TypeError `__init__` raises
    return obj


_MISSING = object()
_PLAIN_INIT = ()
_PLANS: dict[type, tuple] = {}


def _plan(model: type[models.Model]) -> tuple:
    plan = []
    for field in model._meta.fields:
        if field.column is None or field.generated:
            continue
        descriptor = next(
            (vars(klass)[field.attname] for klass in model.__mro__ if field.attname in vars(klass)),
            None,
        )
        # Attnames served by these descriptors are stored in `__dict__` as is.
        if type(descriptor) not in (DeferredAttribute, ForeignKeyDeferredAttribute):
            return _PLAIN_INIT
        is_relation = isinstance(field.remote_field, ForeignObjectRel)
        # `field.get_default()`: a callable default is called each time; otherwise it
        # returns one same object (the default, "" or None), read here once.
        if field.has_default() and callable(field.default):
            make_default, default = field.default, None
        elif field.db_default is NOT_PROVIDED:
            make_default, default = None, field.get_default()
        else:
            make_default, default = field.get_default, None
        plan.append((field.name, field.attname, is_relation, make_default, default))
    return tuple(plan)
