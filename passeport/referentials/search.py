"""Search in the referentials, by code first, then by words.

Every word of the normalised query must appear in `search_text` (see `text.normalize`),
which portable `LIKE '%…%'` does on SQLite and PostgreSQL alike. Results come in order of
relevance: exact code, code prefix, label starting with the query, label containing the
query as a phrase, label containing all its words; then shorter labels first ("Paris"
before "Cormeilles-en-Parisis"). Tables are small enough (≤ 40,000 rows) for a scan.
"""

import re

from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Length

from passeport.core.digits import ascii_digits
from passeport.core.replicas import replica_reads

from .enums import CommuneKind
from .models import Commune, Country, Fiche, NafCode, RomeAppellation, RomeCode, RomeSkill
from .text import normalize

DEFAULT_LIMIT = 20


def _words_q(words, field="search_text"):
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition


def _search(
    queryset,
    query,
    *,
    label_field,
    exact_codes=(),
    code_prefixes=(),
    code_fields=("code",),
    extra_match=None,
    extra_order=(),
    limit=DEFAULT_LIMIT,
):
    words = normalize(query).split()
    if not words:
        return []
    phrase = " ".join(words)
    exact = Q()
    for field in code_fields:
        for code in exact_codes:
            exact |= Q(**{field: code})
    prefix = Q()
    for code in code_prefixes:
        prefix |= Q(code__startswith=code)
    text = _words_q(words)
    matches = text | exact | prefix
    if extra_match is not None:
        matches |= extra_match
    rank = Case(
        *([When(exact, then=Value(0))] if exact else []),
        *([When(prefix, then=Value(1))] if prefix else []),
        When(search_text__startswith=phrase, then=Value(2)),
        When(search_text__contains=phrase, then=Value(3)),
        When(text, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    # Among code prefixes, the shortest code first ("RNCP340" before "RNCP34001").
    code_order = (
        [
            Case(When(prefix, then=Length("code")), default=Value(0)),
            Case(When(prefix, then=F("code")), default=Value(""), output_field=CharField()),
        ]
        if prefix
        else []
    )
    # Referentials change once a load: a replica's lag never matters here.
    with replica_reads():
        return list(
            queryset.filter(matches)
            .annotate(rank=rank)
            .order_by("rank", *code_order, *extra_order, Length(label_field), label_field, "pk")[
                :limit
            ]
        )


def _compact(query):
    return "".join((query or "").split()).upper()


def search_fiches(query, *, limit=DEFAULT_LIMIT, active_only=True, kind=None):
    """RNCP/RS fiches: "rncp34", "RS5286", "5286" (either répertoire), or words."""
    code = _compact(query)
    codes = [f"RNCP{code}", f"RS{code}"] if ascii_digits(code) else [code]
    queryset = Fiche.objects.all()
    if active_only:
        queryset = queryset.filter(active=True)
    if kind:
        queryset = queryset.filter(kind=kind)
    return _search(
        queryset,
        query,
        label_field="title",
        exact_codes=codes,
        code_prefixes=[c for c in codes if re.match(r"^(RNCP|RS)\d+$", c)],
        limit=limit,
    )


def search_rome(query, *, limit=DEFAULT_LIMIT, include_appellations=True):
    """ROME codes: "m1805", "M18" or words of the label (or of an appellation)."""
    code = _compact(query)
    words = normalize(query).split()
    extra = None
    if include_appellations and words:
        extra = Exists(
            RomeAppellation.objects.filter(_words_q(words), rome=OuterRef("pk")).values("pk")
        )
    return _search(
        RomeCode.objects.all(),
        query,
        label_field="label",
        exact_codes=[code],
        code_prefixes=[code] if re.match(r"^[A-N]\d{0,4}$", code) else [],
        extra_match=extra,
        limit=limit,
    )


def search_appellations(query, *, limit=DEFAULT_LIMIT):
    return _search(
        RomeAppellation.objects.select_related("rome"),
        query,
        label_field="label",
        exact_codes=[_compact(query)],
        code_fields=("ogr", "rome__code"),
        limit=limit,
    )


def search_skills(query, *, limit=DEFAULT_LIMIT, kind=None):
    """ROME compétences and savoirs by words (or code OGR); `kind` a SkillKind."""
    queryset = RomeSkill.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    return _search(
        queryset,
        query,
        label_field="label",
        exact_codes=[_compact(query)],
        code_fields=("ogr",),
        limit=limit,
    )


def search_communes(query, *, limit=DEFAULT_LIMIT, kinds=None):
    """Communes by INSEE code ("75056", "2A004"; a prefix like "2A0") or name.

    `kinds` restricts to some CommuneKind values; communes proper come first."""
    code = _compact(query)
    queryset = Commune.objects.all()
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    kind_order = Case(
        When(kind=CommuneKind.COM, then=Value(0)),
        When(kind=CommuneKind.ARM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return _search(
        queryset,
        query,
        label_field="name",
        exact_codes=[code],
        code_prefixes=[code] if re.match(r"^[0-9][0-9AB][0-9]{0,3}$", code) else [],
        extra_order=(kind_order,),
        limit=limit,
    )


def search_countries(query, *, limit=DEFAULT_LIMIT):
    """Countries by INSEE code ("99100"), ISO code ("FR", "FRA") or name."""
    return _search(
        Country.objects.all(),
        query,
        label_field="name",
        exact_codes=[_compact(query)],
        code_fields=("code", "iso2", "iso3"),
        code_prefixes=[_compact(query)] if re.match(r"^99\d{0,3}$", _compact(query)) else [],
        limit=limit,
    )


def search_naf(query, *, limit=DEFAULT_LIMIT):
    """NAF sous-classes by code, with or without the dot ("62.01Z", "6201z", "62.0"), or
    words of the label."""
    compact = _compact(query).replace(".", "")
    match = re.match(r"^(\d{2})(\d{0,2})([A-Z]?)$", compact)
    prefixes, exact = [], []
    if match:
        head, tail, letter = match.groups()
        prefix = f"{head}.{tail}{letter}" if tail else head
        prefixes = [prefix]
        if len(tail) == 2 and letter:
            exact = [prefix]
    return _search(
        NafCode.objects.all(),
        query,
        label_field="label",
        exact_codes=exact,
        code_prefixes=prefixes,
        limit=limit,
    )
