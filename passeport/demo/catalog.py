"""Demo data of the catalogue (passeport.catalog), so that the issue's walkthrough can be
done in `make run`:

- the first training provider of the demo population (its ProConnect demo accounts are
  offered by the development identity provider) is made Qualiopi until two years from
  now, authorised by the certifier of an active RNCP/RS fiche when the referential has
  one with a certifier, and publishes three trainings (one certifying when possible, one
  remote, one in person) with two sessions each;
- the second FranceConnect test identity has a request left unanswered past its
  deadline: `enforce_training_file_deadlines` cancels it (« annulé sans suite »);
- the first FranceConnect test identity (who has CPF rights from the DSN) does the
  walkthrough: search, apply, accept, pay the rest on the development payment page.

Everything goes through the catalogue's services (the referencing rules, the state
machine). Idempotent: nothing is done when the provider already has trainings."""

import datetime

from django.db import transaction
from django.utils import timezone

from passeport.catalog import files, offers
from passeport.catalog.enums import Modality
from passeport.catalog.models import CertifierAuthorisation, Training
from passeport.journal.actors import Actor, ActorKind
from passeport.organisations.models import Organisation
from passeport.organisations.siret import SiretError, validate_siret
from passeport.referentials.models import Commune, Fiche

from .cpf import _test_persons

# Paris first: the demo Région (Île-de-France, passeport.demo.funding) tops up its
# residents' trainings there, so the walkthrough shows its share.
PLACES = ("75056", "69123", "13055", "31555", "33063")


def _commune() -> Commune | None:
    for code in PLACES:
        found = Commune.objects.filter(code=code, kind="COM").first()
        if found:
            return found
    return Commune.objects.filter(kind="COM").order_by("code").first()


def _certifying_fiche(provider) -> Fiche | None:
    """An active fiche with a certifier SIRET; its certifier authorises the provider."""
    fiche = (
        Fiche.objects.filter(active=True, certifiers__siret__regex=r"^[0-9]{14}$")
        .order_by("code")
        .first()
    )
    if fiche is None:
        return None
    named = fiche.certifiers.exclude(siret="").order_by("pk").first()
    certifier = Organisation.objects.filter(siret=named.siret).first()
    if certifier is None:
        try:
            validate_siret(named.siret)
        except SiretError:
            return None
        certifier = Organisation.objects.create(
            siret=named.siret,
            name=named.name[:255],
            is_certifier=True,
            certifier_id_client=f"DEMO{fiche.pk % 10_000:04d}",
        )
    CertifierAuthorisation.objects.get_or_create(
        certifier=certifier, provider=provider, certification_code=fiche.code
    )
    return fiche


def _offer(provider, ref, title, objectives, code, price, modality, commune, starts):
    training = offers.save_training(
        provider,
        offers.TrainingData(
            provider_ref=ref, title=title, objectives=objectives, certification_code=code
        ),
    )
    action = offers.save_action(
        training,
        offers.ActionData(
            provider_ref=f"{ref}-A",
            price_cents=price,
            hours=140 if modality == Modality.REMOTE else 350,
            modality=modality,
            commune_code=commune.code if commune and modality != Modality.REMOTE else "",
        ),
    )
    sessions = []
    for index, start in enumerate(starts, start=1):
        sessions.append(
            offers.save_session(
                action,
                offers.SessionData(
                    provider_ref=f"{ref}-S{index}",
                    start_date=start,
                    end_date=start + datetime.timedelta(days=56),
                ),
            )
        )
    return sessions


def seed(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    provider = (
        Organisation.objects.filter(is_training_provider=True)
        .exclude(nda_number="")
        .order_by("pk")
        .first()
    )
    if provider is None or Training.objects.filter(provider=provider).exists():
        return {}
    commune = _commune()
    done = {"formations": 0, "sessions": 0, "dossiers": 0}
    with transaction.atomic():
        provider.qualiopi_valid_until = today.replace(year=today.year + 2)
        provider.save(update_fields=["qualiopi_valid_until"])
        starts = [today + datetime.timedelta(days=35), today + datetime.timedelta(days=70)]
        fiche = _certifying_fiche(provider)
        catalogue = [
            (
                "DEMO-WEB",
                fiche.title[:200] if fiche else "Développeur web et web mobile",
                "Préparer la certification et ses blocs de compétences ; projet encadré.",
                fiche.code if fiche else "",
                # More than a demo holder's rights: the plan shows the Région's top-up and a
                # part paid by card on the development payment page.
                420_000,
                Modality.MIXED if commune else Modality.REMOTE,
            ),
            (
                "DEMO-ANG",
                "Anglais professionnel à distance",
                "Communiquer en anglais au travail : réunions, courriels, téléphone.",
                "",
                90_000,
                Modality.REMOTE,
            ),
            (
                "DEMO-CAR",
                "Conduite de chariots élévateurs en sécurité",
                "Conduire un chariot élévateur en sécurité ; préparer le CACES® R489.",
                "",
                120_000,
                Modality.IN_PERSON if commune else Modality.REMOTE,
            ),
        ]
        sessions = []
        for ref, title, objectives, code, price, modality in catalogue:
            made = _offer(provider, ref, title, objectives, code, price, modality, commune, starts)
            sessions += made
            done["formations"] += 1
            done["sessions"] += len(made)
        persons = _test_persons()
        if len(persons) > 1:
            holder = persons[1]
            actor = Actor(ActorKind.HOLDER, f"demo-{holder.public_id}", holder.first_names)
            # Sent a week ago, never answered: the deadline job cancels it.
            files.apply(holder, sessions[2], actor=actor, today=today - datetime.timedelta(days=7))
            done["dossiers"] = 1
    return done
