"""A training completed through the CPF becomes a guaranteed passport entry (source Mon
Compte Formation), through the records layer like any other source."""

from django.utils import timezone

from passeport.records import services as records
from passeport.records.enums import SourceKind


def store_training(file, actor):
    training = file.session.action.training
    return records.store_training(
        file.person,
        provenance=records.Provenance(
            SourceKind.MON_COMPTE_FORMATION,
            timezone.now(),
            declarant=file.provider,
            reference=file.reference,
        ),
        actor=actor,
        title=training.title[:500],
        provider=file.provider,
        provider_name=file.provider.name,
        start_date=file.entered_on or file.start_date,
        end_date=file.exited_on or file.end_date,
        hours=file.hours,
        certification_code=training.certification_code,
        funded_by_cpf=True,
    )
