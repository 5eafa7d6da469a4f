"""The deadlines of training files, enforced by a scheduled job (never by a page):

- « non traité » past its last day → « annulé sans suite » (the provider did not answer);
- « validé » past its last day → « annulé sans suite » (the holder did not accept);
- « service fait déclaré » past 5 working days, no control open → « service fait validé »;
- card payments left pending for 30 minutes expire (the holder left the payment page).

Idempotent (a file moves once: its state is checked again under its row lock), batched
by primary key (constant memory), one transaction per file (a failing file is reported
and the others go on)."""

import datetime
import logging
from dataclasses import dataclass, field

from passeport.journal.actors import Actor

from . import files, payments
from .enums import FileState, ReasonCode
from .models import TrainingFile

logger = logging.getLogger(__name__)
SYSTEM = Actor.system("enforce_training_file_deadlines")
BATCH = 500

RULES = (
    (FileState.NOT_PROCESSED, FileState.CANCELED_WITHOUT_FOLLOW_UP, ReasonCode.NO_ANSWER),
    (FileState.VALIDATED, FileState.CANCELED_WITHOUT_FOLLOW_UP, ReasonCode.NOT_ACCEPTED),
    (FileState.SERVICE_DONE_DECLARED, FileState.SERVICE_DONE_VALIDATED, ""),
)


@dataclass
class Outcome:
    moved: dict = field(default_factory=dict)
    failed: int = 0
    payments_expired: int = 0


def due(state: str, today: datetime.date):
    queryset = TrainingFile.objects.filter(state=state, act_before__lt=today)
    if state == FileState.SERVICE_DONE_DECLARED:
        queryset = queryset.filter(under_control=False)
    return queryset


def enforce(today: datetime.date, *, batch: int = BATCH, dry_run: bool = False) -> Outcome:
    outcome = Outcome()
    for state, to_state, reason in RULES:
        last = 0
        count = 0
        while True:
            ids = list(
                due(state, today)
                .filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            last = ids[-1]
            if dry_run:
                count += len(ids)
                continue
            for pk in ids:
                file = TrainingFile(pk=pk)
                try:
                    if to_state == FileState.SERVICE_DONE_VALIDATED:
                        files.validate_service_done(file, actor=SYSTEM)
                    else:
                        files.end(file, to_state, actor=SYSTEM, reason=reason)
                    count += 1
                except files.FileError:
                    # Moved in between (by a person, or another run): nothing to do.
                    continue
                except Exception:
                    logger.exception("training file deadline failed pk=%s", pk)
                    outcome.failed += 1
        outcome.moved[state] = count
    if not dry_run:
        outcome.payments_expired = payments.expire_pending()
    return outcome
