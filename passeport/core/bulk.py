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
import os
import uuid
from collections.abc import Callable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import NOT_PROVIDED, Q
from django.db.models.base import DEFERRED, ModelState
from django.db.models.expressions import RawSQL
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


def bulk_insert(
    model: type[models.Model],
    objects: Sequence[models.Model],
    *,
    encoded: dict[str, Sequence[str]] | None = None,
) -> int:
    """Inserts `objects`. `encoded` gives, for JSON fields, the text of each object's value
    already encoded by the caller (the journal encodes its payloads to hash them): stored
    as such instead of being encoded a second time."""
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
    rows = _rows(fields, objects, connection, encoded or {})
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


def _rows(
    fields: list[models.Field], objects: Sequence[models.Model], connection, encoded: dict
) -> list:
    """The rows to insert, one tuple of database values per object.

    Converted column by column: the values are read with one `attrgetter` and transposed
    with `zip` (both in C); a column whose values are all of types its conversion leaves
    unchanged (None; on PostgreSQL UUIDs and dates) is kept as is after one C-level
    `set(map(type, …))`; the others are mapped through their converter."""
    names = [field.attname for field in fields]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        return [(get(obj),) for obj in objects]
    converters = [
        (index, converted)
        for index, field in enumerate(fields)
        if field.attname not in encoded and (converted := _converter(field, connection)) is not None
    ]
    if not converters and not encoded:
        return [get(obj) for obj in objects]
    columns = list(zip(*map(get, objects), strict=True))
    for index, field in enumerate(fields):
        texts = encoded.get(field.attname)
        if texts is not None:
            if len(texts) != len(objects):
                raise ValueError(f"{field.attname} : une valeur encodée par objet est attendue.")
            columns[index] = texts
    for index, (convert, unchanged) in converters:
        column = columns[index]
        if not set(map(type, column)) <= unchanged:
            columns[index] = list(map(convert, column))
    return list(zip(*columns, strict=True))


_NONE = type(None)


def _converter(field: models.Field, connection) -> tuple[Callable, frozenset] | None:
    """A function from an attribute's value to the value `get_db_prep_save` gives for it,
    with the types of value it returns unchanged; None when that is every value."""
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

        return convert_uuid, frozenset({_NONE, uuid.UUID} if native else {_NONE})

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

            return convert_datetime, frozenset({_NONE})
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

        return convert_datetime_text, frozenset({_NONE})

    if kind is models.DateField:
        adapt_date = ops.adapt_datefield_value

        def convert_date(value):
            if type(value) is datetime.date:
                return adapt_date(value)
            return None if value is None else slow(value)

        # PostgreSQL's adapter returns a date as is.
        identity = connection.vendor == "postgresql"
        return convert_date, frozenset({_NONE, datetime.date} if identity else {_NONE})

    if kind is models.DecimalField:
        adapt_decimal = ops.adapt_decimalfield_value
        max_digits, places = field.max_digits, field.decimal_places

        def convert_decimal(value):
            if type(value) is decimal.Decimal and value.is_finite():
                return adapt_decimal(value, max_digits, places)
            return None if value is None else slow(value)

        return convert_decimal, frozenset({_NONE})

    if kind is models.JSONField:
        adapt_json = ops.adapt_json_value
        encoder = field.encoder

        def convert_json(value):
            kind = type(value)
            if kind is dict or kind is list or kind is str or kind is int or kind is bool:
                return adapt_json(value, encoder)
            return None if value is None else slow(value)

        return convert_json, frozenset({_NONE})

    return slow, frozenset()


# --- reading by many keys ------------------------------------------------------------


def field_in(model: type[models.Model], name: str, values: Sequence) -> Q | RawSQL:
    """A filter for `name__in=values` on `model`'s own table. On PostgreSQL it is
    `column = ANY(%s)` with one array parameter: Django binds parameters on the client,
    quoting each of thousands of values and scanning the SQL for as many placeholders,
    which showed as a tenth of a prevention import. Same rows, same index."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return Q(**{f"{name}__in": values})
    field = model._meta.get_field(name)
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(field.column)}"
    if isinstance(field, _PLAIN) and not field.is_relation:
        prepared = list(values)
    else:
        prepared = [field.get_db_prep_value(value, connection) for value in values]
    if prepared and set(map(type, prepared)) == {str}:
        joined = _UNIT_SEPARATOR.join(prepared)
        # Not for one empty text: string_to_array('', …) is an empty array.
        if joined and joined.count(_UNIT_SEPARATOR) == len(prepared) - 1:
            # Texts as one text parameter, split by the server: psycopg quotes a list
            # element by element in Python (a few µs per line of a 100,000-line import).
            return RawSQL(  # noqa: S611 (column from the model, quoted; one parameter)
                f"{column} = ANY(string_to_array(%s, chr(31)))",
                (joined,),
                output_field=models.BooleanField(),
            )
    # The column name comes from the model, quoted; the values are one parameter.
    return RawSQL(f"{column} = ANY(%s)", (prepared,), output_field=models.BooleanField())  # noqa: S611


_UNIT_SEPARATOR = "\x1f"  # chr(31), in no value of ours (then the array form is used)


# --- building instances ------------------------------------------------------------------


def new_instance(model: type[models.Model], /, **kwargs) -> models.Model:
    """`model(**kwargs)`, for bulk paths (100,000 rows): the same instance, built without
    `Model.__init__`'s generic dispatch. Each field gets the value given under its name or
    attname, else its default; a related object goes through its descriptor (id, cache,
    `_state.db`) as in `__init__`. Anything unusual (init signals listened to, a keyword
    that is not a field, a field with a descriptor of its own, a deferred value) takes
    `model(**kwargs)`."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _plan(model)
    if plan is _PLAIN_INIT or (
        # `receivers` first: empty in this project, and `has_listeners` costs a lookup.
        (pre_init.receivers or post_init.receivers)
        and (pre_init.has_listeners(model) or post_init.has_listeners(model))
    ):
        return model(**kwargs)
    defaults, callables, relations = plan
    related = None
    if relations and not relations.keys().isdisjoint(kwargs):
        related = {name: kwargs.pop(name) for name in list(kwargs) if name in relations}
        if any(relations[name] in kwargs for name in related):
            kwargs.update(related)
            return model(**kwargs)  # a relation by name and by id: `__init__`'s TypeError
    # `in` compares by identity first: DEFERRED (a plain object) equals nothing else.
    if "_state" in kwargs or DEFERRED in kwargs.values():
        if related:
            kwargs.update(related)
        return model(**kwargs)
    # One dict merge in C instead of a Python loop over the fields: updating a key keeps
    # its place, so `__dict__` lists the fields in `__init__`'s order (`_state` first).
    attributes = {"_state": ModelState(), **defaults, **kwargs}
    if len(attributes) != len(defaults) + 1:
        if related:
            kwargs.update(related)
        return model(**kwargs)  # properties, or the TypeError `__init__` raises
    for attname, make_default in callables:
        if attname not in kwargs:
            attributes[attname] = make_default()
    obj = model.__new__(model)
    obj.__dict__ = attributes
    if related:
        for name, value in related.items():
            setattr(obj, name, value)  # the descriptor, as `__init__` does
    return obj


_PLAIN_INIT = ()
_PLANS: dict[type, tuple] = {}

# The slots `_fill_uuid_pool` sets; another Python's UUID falls back to `uuid.uuid4`.
_FAST_UUID = frozenset(uuid.UUID.__slots__) == {"int", "is_safe", "__weakref__"}
_UUID_POOL = 4096  # UUIDs per read of the system's random source
_uuid_pool: list[uuid.UUID] = []


def _fill_uuid_pool() -> None:
    """Random version-4 UUIDs, equal in kind to `uuid.uuid4()`'s (the same bits from
    `os.urandom`, read 64 KiB at a time): rows built in bulk need two or three each, and
    `uuid4` (one system call, `UUID.__init__`'s checks) showed as a tenth of an import.
    Built with `object.__setattr__` on the slots `UUID.__init__` fills."""
    new, set_slot = object.__new__, object.__setattr__
    UUID, unknown = uuid.UUID, uuid.SafeUUID.unknown
    clear = ~((0xF000 << 64) | (0xC000 << 48))
    version = (4 << 76) | (0x8000 << 48)  # version 4, RFC 4122 variant
    buffer = os.urandom(16 * _UUID_POOL)
    made = []
    for start in range(0, len(buffer), 16):
        value = new(UUID)
        set_slot(value, "int", (int.from_bytes(buffer[start : start + 16]) & clear) | version)
        set_slot(value, "is_safe", unknown)
        made.append(value)
    _uuid_pool.extend(made)


def uuid4() -> uuid.UUID:
    """`uuid.uuid4()` for bulk paths (see `_fill_uuid_pool`). `list.pop` is atomic, so
    import threads share the pool safely."""
    if not _FAST_UUID:
        return uuid.uuid4()
    try:
        return _uuid_pool.pop()
    except IndexError:
        _fill_uuid_pool()
        return uuid4()


def _plan(model: type[models.Model]) -> tuple:
    """(attname → default in field order, [(attname, callable default)], relation name →
    attname), or `_PLAIN_INIT` when `model(**kwargs)` must be used."""
    defaults: dict[str, object] = {}
    callables = []
    relations = {}
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
        if isinstance(field.remote_field, ForeignObjectRel):
            relations[field.name] = field.attname
        # `field.get_default()`: a callable default is called each time; otherwise it
        # returns one same object (the default, "" or None), read here once.
        if field.has_default() and callable(field.default):
            defaults[field.attname] = None  # the place; the value is made per instance
            make = uuid4 if field.default is uuid.uuid4 else field.default
            callables.append((field.attname, make))
        elif field.db_default is NOT_PROVIDED:
            defaults[field.attname] = field.get_default()
        else:
            defaults[field.attname] = None
            callables.append((field.attname, field.get_default))
    if "_state" in defaults:
        return _PLAIN_INIT
    return defaults, tuple(callables), relations
