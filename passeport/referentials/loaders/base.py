"""What every loader shares: finding files, reading CSV with a progress bar, upserting."""

import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from passeport.core.bulk import bulk_insert
from passeport.core.progress import Progress

# Large enough to amortise round trips, small enough for PostgreSQL's 65,535 parameters
# (SQLite batches are capped further by Django to its own 999-parameter limit).
BATCH_SIZE = 2000


class SourceError(Exception):
    """A source folder or file that cannot be loaded; the message is shown to the user."""


@dataclass
class LoadContext:
    progress: bool = True
    warnings: list[str] = field(default_factory=list)

    def warn(self, message):
        self.warnings.append(message)


def csv_files(root: Path) -> list[tuple[str, Path]]:
    """Every CSV file under `root`, with its name in NFC form: archives made on macOS
    store accented names decomposed ("Compe\u0301tences"), Linux ones composed."""
    if root.is_file():
        candidates = [root]
    else:
        candidates = sorted(p for p in root.rglob("*") if p.suffix.lower() == ".csv")
    return [(unicodedata.normalize("NFC", p.name), p) for p in candidates if p.is_file()]


def match_files(root: Path, pattern: re.Pattern) -> list[tuple[re.Match, Path]]:
    return [(m, path) for name, path in csv_files(root) if (m := pattern.match(name))]


def fingerprint(paths: Iterable[Path], version: int) -> str:
    """Names, sizes and modification times: enough to notice a new or replaced file
    without reading 50 MB to hash it."""
    entries = []
    for path in sorted(paths):
        stat = path.stat()
        entries.append([path.name, stat.st_size, stat.st_mtime_ns])
    payload = json.dumps({"version": version, "files": entries}, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def read_csv(
    path: Path,
    ctx: LoadContext,
    *,
    encoding="utf-8-sig",
    delimiter=",",
    required=(),
) -> Iterator[dict[str, str]]:
    """Stream the rows of a CSV file as dicts, with a progress bar on the bytes read."""
    size = path.stat().st_size
    with (
        path.open("rb") as raw,
        Progress(
            total=size,
            desc=unicodedata.normalize("NFC", path.name),
            unit="o",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            disable=not ctx.progress,
            leave=True,
        ) as bar,
    ):
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.DictReader(text, delimiter=delimiter)
        try:
            columns = reader.fieldnames or []
        except UnicodeDecodeError as error:
            raise SourceError(f"{path.name} n'est pas encodé en {encoding} : {error}.") from error
        missing = [name for name in required if name not in columns]
        if missing:
            raise SourceError(
                f"Colonnes absentes de {unicodedata.normalize('NFC', path.name)} : "
                f"{', '.join(missing)} (colonnes trouvées : {', '.join(columns) or 'aucune'})."
            )
        try:
            for index, row in enumerate(reader):
                yield row
                if index % 1000 == 0:
                    # The binary file's position advances as the text layer reads chunks.
                    bar.update(raw.tell() - bar.n)
        except UnicodeDecodeError as error:
            raise SourceError(f"{path.name} n'est pas encodé en {encoding} : {error}.") from error
        except csv.Error as error:
            raise SourceError(f"{path.name}, ligne {reader.line_num} : {error}.") from error
        bar.update(size - bar.n)


def batched(iterable, size=BATCH_SIZE):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def unique_by(objects, key, ctx: LoadContext | None = None, label=""):
    """Drop repeated keys (first one wins): PostgreSQL refuses an upsert batch that would
    touch the same row twice, and link tables have unique constraints."""
    seen = set()
    repeated = 0
    for obj in objects:
        value = key(obj)
        if value in seen:
            repeated += 1
            continue
        seen.add(value)
        yield obj
    if repeated and ctx is not None:
        ctx.warn(f"{label} : {repeated} ligne(s) en double ignorée(s).")


def upsert(model, objects, *, unique_fields, update_fields, batch_size=BATCH_SIZE) -> int:
    """Insert or update by natural key, in batches; returns the number of rows sent."""
    count = 0
    for batch in batched(objects, batch_size):
        model.objects.bulk_create(
            batch,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        count += len(batch)
    return count


def insert(model, objects, *, batch_size=10 * BATCH_SIZE) -> int:
    """Plain inserts (link tables replaced per code) through `core.bulk.bulk_insert`:
    one executemany or COPY per batch instead of bulk_create's 30-row statements."""
    count = 0
    for batch in batched(objects, batch_size):
        bulk_insert(model, batch)
        count += len(batch)
    return count


def delete_where_in(queryset, field_name, values, chunk=500):
    """DELETE … WHERE field IN (…) in chunks: SQLite limits the parameters of a query."""
    values = list(values)
    for start in range(0, len(values), chunk):
        # Models without dependents are deleted by Django in one DELETE statement.
        queryset.filter(**{f"{field_name}__in": values[start : start + chunk]}).delete()
