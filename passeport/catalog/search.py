"""Full-text search of the catalogue, one interface over two engines.

PostgreSQL (production): `Training.search_vector` = `to_tsvector('french', search_text)`
kept by `index_trainings`, a GIN index (migration 0002), `plainto_tsquery('french')`
and `ts_rank` (French stemming; accents folded by `text.normalize` on both sides).
SQLite (the embedded default): an FTS5
virtual table `catalog_training_fts` (tokenizer unicode61, accents removed), each word
searched as a prefix with its plural mark dropped (FTS5 has no French stemmer), ranked
by `bm25`. Filters are the same ORM conditions on both.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, OuterRef, Value, Window
from django.db.models.expressions import RawSQL
from django.urls import reverse

from passeport.prevention import catalogue
from passeport.referentials.text import normalize

from .enums import CodeKind, EnrolmentStatus, Modality
from .models import Session, Training, TrainingCode

FTS_TABLE = "catalog_training_fts"
WORD_RE = re.compile(r"\w+", re.UNICODE)
PAGE_SIZE = 20
MAX_QUERY = 200


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _text_of(training: Training) -> str:
    parts = [
        training.title,
        training.objectives,
        training.content,
        training.expected_results,
        training.certification_code,
        training.fiche.title if training.fiche_id else "",
        training.provider.name,
    ]
    # Accents folded (PostgreSQL's French configuration keeps them; `unaccent` would need
    # an extension): the same normalisation is applied to queries.
    return normalize(" ".join(part for part in parts if part))


def index_trainings(ids) -> None:
    """(Re)builds the search text and index of these trainings."""
    ids = list(ids)
    trainings = Training.objects.filter(pk__in=ids).select_related("fiche", "provider")
    rows = []
    for training in trainings:
        text = _text_of(training)
        if text != training.search_text:
            Training.objects.filter(pk=training.pk).update(search_text=text)
        rows.append((training.pk, text))
    if is_postgresql():
        Training.objects.filter(pk__in=ids).update(
            search_vector=SearchVector("search_text", config="french")
        )
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk, _ in rows])  # noqa: S608
        cursor.executemany(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (%s, %s)", rows)  # noqa: S608


def unindex_trainings(ids) -> None:
    if not is_postgresql():
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in ids])  # noqa: S608


def fts5_query(text: str) -> str:
    """Words as quoted prefixes (« formations » → "formation"*), all required."""
    terms = []
    for word in WORD_RE.findall(text.lower())[:20]:
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        terms.append(f'"{word}"*')
    return " ".join(terms)


@dataclass
class Filters:
    text: str = ""
    certification: str = ""
    rome: str = ""
    department: str = ""
    region: str = ""
    remote: bool = False
    max_price_cents: int | None = None
    start_from: datetime.date | None = None
    level: int | None = None


def sessions_matching(filters: Filters, today: datetime.date):
    """Open sessions, not started, whose provider is Qualiopi on their first day."""
    sessions = Session.objects.filter(
        start_date__gte=max(today, filters.start_from or today),
        enrolment=EnrolmentStatus.OPEN,
        action__training__provider__qualiopi_valid_until__gte=F("start_date"),
    )
    if filters.max_price_cents is not None:
        sessions = sessions.filter(action__price_cents__lte=filters.max_price_cents)
    if filters.remote:
        sessions = sessions.filter(action__modality__in=[Modality.REMOTE, Modality.MIXED])
    if filters.department:
        sessions = sessions.filter(action__department_code=filters.department)
    if filters.region:
        sessions = sessions.filter(action__region_code=filters.region)
    return sessions


def queryset(filters: Filters, today: datetime.date):
    """Trainings matching `filters`, ranked (best first), each annotated `rank`."""
    trainings = Training.objects.filter(
        Exists(sessions_matching(filters, today).filter(action__training=OuterRef("pk")))
    )
    if filters.certification:
        trainings = trainings.filter(certification_code=filters.certification.strip().upper())
    if filters.rome:
        trainings = trainings.filter(
            Exists(
                TrainingCode.objects.filter(
                    training=OuterRef("pk"), kind=CodeKind.ROME, code=filters.rome.upper()
                )
            )
        )
    if filters.level:
        trainings = trainings.filter(level=filters.level)
    text = normalize(filters.text[:MAX_QUERY])
    if not text:
        return trainings.annotate(rank=Value(0.0, FloatField())).order_by("title", "pk")
    if is_postgresql():
        query = SearchQuery(text, config="french", search_type="plain")
        return (
            trainings.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "title", "pk")
        )
    match = fts5_query(text)
    if not match:
        return trainings.none().annotate(rank=Value(0.0, FloatField()))
    # bm25 is lower for better matches: negated so that rank is "higher is better".
    # The table name is ours; the user's words go as a parameter (quoted FTS5 terms).
    rank = RawSQL(  # noqa: S611
        f"SELECT -bm25({FTS_TABLE}) FROM {FTS_TABLE} "  # noqa: S608
        f"WHERE {FTS_TABLE} MATCH %s AND rowid = catalog_training.id",
        [match],
        output_field=FloatField(),
    )
    ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608, S611
    return trainings.filter(pk__in=ids).annotate(rank=rank).order_by("-rank", "title", "pk")


@dataclass
class Result:
    training: Training
    sessions: list  # the next sessions (at most 3)
    min_price_cents: int


class CountingPaginator(Paginator):
    """Django's paginator counts in a query of its own, which repeats the whole search
    (text, open sessions, filters) before the page's query repeats it again. Here the page
    carries the total (`COUNT(*) OVER ()`, computed before the LIMIT): one query. A page
    past the end falls back to counting, then shows the last page."""

    def get_page(self, number):
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(found=Window(Count("pk")))[bottom : bottom + self.per_page]
        )
        if rows or number == 1:
            self.__dict__["count"] = rows[0].found if rows else 0  # Paginator.count is cached
            return self._get_page(rows, number, self)
        return super().get_page(number)


def search(filters: Filters, today: datetime.date, page_number=1, per_page: int = PAGE_SIZE):
    """A page of results (Django `Page` whose `object_list` is a list of `Result`)."""
    paginator = CountingPaginator(
        queryset(filters, today).select_related("provider", "fiche"), per_page
    )
    page = paginator.get_page(page_number)
    trainings = list(page.object_list)
    upcoming: dict[int, list] = {training.pk: [] for training in trainings}
    sessions = (
        sessions_matching(filters, today)
        .filter(action__training__in=trainings)
        .select_related("action")
        .order_by("start_date", "pk")
    )
    for session in sessions:
        bucket = upcoming[session.action.training_id]
        if len(bucket) < 3:
            bucket.append(session)
    page.object_list = [
        Result(
            training,
            upcoming[training.pk],
            min((s.action.price_cents for s in upcoming[training.pk]), default=0),
        )
        for training in trainings
    ]
    return page


def renewal_path(title: str, certification_code: str = "") -> str:
    """The public search for sessions that renew a prevention training: by its
    certification code when the catalogue of kinds knows one (an RS fiche), else by the
    kind's shortest keyword (the search wants every word: « mac sst », not the kind's long
    name) or, unclassified, the training's own title."""
    kind = catalogue.classify(title, certification_code=certification_code)
    code = (certification_code or "").strip().upper()
    if not code and kind is not None and kind.certification_codes:
        code = kind.certification_codes[0]
    if code:
        query = {"certification": code}
    elif kind is not None and kind.keywords:
        query = {"q": min(kind.keywords, key=len)}
    else:
        query = {"q": title}
    return f"{reverse('public:catalog_search')}?{urlencode(query)}"
