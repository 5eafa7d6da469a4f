from .base import Record, RecordQuerySet
from .career import EmploymentPeriod, Engagement
from .corrections import CorrectionRequest
from .declared import DeclaredItem
from .learning import Certification, Training
from .prevention import PreventionTraining, ValidityState

# Every concrete kind of passport entry, in timeline order of importance.
RECORD_MODELS = (
    EmploymentPeriod,
    Certification,
    Training,
    PreventionTraining,
    Engagement,
    DeclaredItem,
)

__all__ = [
    "RECORD_MODELS",
    "Certification",
    "CorrectionRequest",
    "DeclaredItem",
    "EmploymentPeriod",
    "Engagement",
    "PreventionTraining",
    "Record",
    "RecordQuerySet",
    "Training",
    "ValidityState",
]
