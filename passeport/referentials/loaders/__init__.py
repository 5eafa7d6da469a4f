"""Loaders of the public reference data, one module per source.

`load_source(name, root)` finds the source's files under `root`, loads them in one
transaction with bulk upserts (a reload updates rows; running it twice changes nothing)
and records what it loaded in `ReferentialLoad`, so that `if_needed=True` skips a source
whose files have not changed since.
"""

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ..models import ReferentialLoad
from . import cog, naf, rncp, rome
from .base import LoadContext, SourceError, fingerprint

logger = logging.getLogger(__name__)

__all__ = ["EXTRACT_DIR", "SOURCES", "LoadResult", "SourceError", "load_source"]

# Loading order matters only for readability of the output: sources are independent.
SOURCES = {module.NAME: module for module in (cog, naf, rome, rncp)}

EXTRACT_DIR = Path(__file__).resolve().parent.parent / "extract"


@dataclass
class LoadResult:
    name: str
    label: str
    skipped: bool
    rows: int
    seconds: float
    details: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    previous: ReferentialLoad | None = None


def _paths(located):
    if isinstance(located, Path):
        yield located
    elif isinstance(located, dict):
        for value in located.values():
            yield from _paths(value)
    elif isinstance(located, list | tuple):
        for value in located:
            yield from _paths(value)


def load_source(name, root, *, if_needed=False, progress=True) -> LoadResult:
    """Load one source ("cog", "naf", "rome", "rncp") from the folder `root`."""
    module = SOURCES[name]
    root = Path(root)
    if not root.exists():
        raise SourceError(f"Le dossier source « {root} » n'existe pas.")
    started = time.perf_counter()
    located = module.locate(root)
    digest = fingerprint(_paths(located), module.VERSION)
    previous = ReferentialLoad.objects.filter(name=name).first()
    unchanged = previous is not None and previous.fingerprint == digest
    if if_needed and unchanged and module.MAIN_MODEL.objects.exists():
        return LoadResult(
            name=name,
            label=module.LABEL,
            skipped=True,
            rows=previous.rows,
            seconds=time.perf_counter() - started,
            details=previous.details,
            previous=previous,
        )
    ctx = LoadContext(progress=progress)
    with transaction.atomic():
        details = module.load(located, ctx)
        rows = sum(details.values())
        seconds = time.perf_counter() - started
        ReferentialLoad.objects.update_or_create(
            name=name,
            defaults={
                "fingerprint": digest,
                "loaded_at": timezone.now(),
                "rows": rows,
                "seconds": round(seconds, 3),
                "details": details,
                "source_dir": str(root)[:500],
            },
        )
    logger.info("Référentiel %s chargé depuis %s : %s lignes en %.1f s.", name, root, rows, seconds)
    return LoadResult(
        name=name,
        label=module.LABEL,
        skipped=False,
        rows=rows,
        seconds=time.perf_counter() - started,
        details=details,
        warnings=ctx.warnings,
        previous=previous,
    )
