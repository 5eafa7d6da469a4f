"""The holder's data rights: everything held about them (JSON, or CSV files in a ZIP),
with provenance and every version; and who accessed their data, when."""

import csv
import dataclasses
import datetime
import io
import json
import zipfile

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from passeport.consent.models import PreventionConsent
from passeport.journal.actors import ActorKind
from passeport.journal.models import JournalEntry
from passeport.orientation.export import orientation_export
from passeport.people.nir import format_nir
from passeport.records.models import CorrectionRequest
from passeport.records.timeline import KINDS, source_label

from .access import holder_required

# Journal actions shown in the access log, in the holder's words.
ACCESS_ACTIONS = {
    "person.read": "Consultation de vos données",
    "identity.login": "Connexion à votre espace",
    "identity.login_refused": "Tentative de connexion refusée",
    "identity.terms_accepted": "Acceptation des conditions d'utilisation",
}
PROVIDERS = {
    "franceconnect": "FranceConnect",
    "franceconnect_plus": "FranceConnect+",
    "proconnect": "ProConnect",
}
# Internal keys never exported (database keys of other tables).
HIDDEN = {"id", "person_id", "declarant_id", "employer_id", "certifier_id", "provider_id"}


def _person(person) -> dict:
    return {
        "nom_de_naissance": person.birth_name,
        "nom_d_usage": person.usage_name,
        "prenoms": person.first_names,
        "sexe": person.sex,
        "naissance": "-".join(
            f"{part:02d}" if part else "??"
            for part in (person.birth_year, person.birth_month, person.birth_day)
        ),
        "commune_de_naissance": person.birth_commune_code,
        "pays_de_naissance": person.birth_country_code,
        # Masked: the export is a file that travels.
        "nir_masque": format_nir(person.reveal_nir()),
        "adresse_electronique": person.email,
        "compte_cpf_active_le": person.cpf_activated_at.isoformat()
        if person.cpf_activated_at
        else "",
    }


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _record_row(record) -> dict:
    content = {k: v for k, v in record.content().items() if k not in HIDDEN}
    return {
        **content,
        "provenance": source_label(record),
        "declarant": record.declarant.name if record.declarant_id else "",
        "siret_declarant": record.declarant.siret if record.declarant_id else "",
        "etat": record.get_status_display(),
        "etat_change_le": _value(record.status_changed_at) or "",
        "motif": record.status_reason,
        "publication": record.get_publication_display(),
        "publie_le": _value(record.published_at) or "",
        "enregistre_le": _value(record.created_at),
    }


def _export(person) -> dict:
    entries = {}
    for slug, kind in KINDS.items():
        records = kind.model.objects.filter(person=person).select_related("declarant")
        entries[slug] = [_record_row(r) for r in records.order_by("lineage", "version")]
    return {
        "exporte_le": timezone.now().isoformat(),
        "titulaire": _person(person),
        "entrees": entries,
        "signalements": [
            {
                "identifiant": str(c.public_id),
                "type_entree": c.record_type,
                "lignee": str(c.lineage),
                "version": c.record_version,
                "destinataire": c.declarant.name if c.declarant_id else "Caisse des Dépôts",
                "message": c.message,
                "reponse": c.answer,
                "etat": c.get_status_display(),
                "envoye_le": c.created_at.isoformat(),
            }
            for c in CorrectionRequest.objects.filter(person=person).select_related("declarant")
        ],
        "consentements_prevention": [
            {
                "employeur": c.employer.name,
                "siret": c.employer.siret,
                "consentement": c.get_scope_display(),
                "formations_choisies": c.lineages,
                "mis_a_jour_le": c.updated_at.isoformat(),
            }
            for c in PreventionConsent.objects.filter(person=person).select_related("employer")
        ],
        **orientation_export(person),
    }


def _filename(ext: str) -> str:
    return f"mon-passeport-{timezone.localdate():%Y-%m-%d}.{ext}"


@require_GET
@holder_required
def export_json(request):
    data = _export(request.user.person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    return response


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for k, v in row.items()
            }
        )
    # With a BOM, spreadsheet software reads UTF-8 accents right.
    return "\ufeff" + out.getvalue()


@require_GET
@holder_required
def export_zip(request):
    """One CSV per kind of entry (semicolon-separated, UTF-8), plus the holder's identity,
    error reports and prevention consents."""
    data = _export(request.user.person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("titulaire.csv", _csv([data["titulaire"]]))
        for slug, rows in data["entrees"].items():
            if rows:
                archive.writestr(f"{slug}.csv", _csv(rows))
        for name in (
            "signalements",
            "consentements_prevention",
            "orientation_metiers_exerces",
            "orientation_metiers_vises",
            "orientation_acces_conseillers",
            "orientation_plans_d_action",
        ):
            if data[name]:
                archive.writestr(f"{name}.csv", _csv(data[name]))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_filename("zip")}"'
    return response


def access_log(person):
    return JournalEntry.objects.filter(
        person_id=person.pk, action__in=list(ACCESS_ACTIONS)
    ).order_by("-seq")


# Reads of the same thing by the same actor, each within this long of the next, are one
# visit (an employer reloading its list): one line with a count. The journal keeps each.
VISIT_GAP = datetime.timedelta(minutes=30)


@dataclasses.dataclass
class Visit:
    entry: JournalEntry  # the latest read of the visit
    first_at: datetime.datetime
    count: int = 1


def access_visits(person) -> list[Visit]:
    """The access log, newest first, consecutive identical reads as one visit."""
    visits: list[Visit] = []
    for entry in access_log(person).only(
        "occurred_at", "actor_id", "actor_kind", "actor_label", "action", "payload"
    ):
        last = visits[-1] if visits else None
        if (
            last is not None
            and entry.action == "person.read"
            and _same_read(last.entry, entry)
            and last.first_at - entry.occurred_at <= VISIT_GAP
        ):
            last.first_at = entry.occurred_at
            last.count += 1
        else:
            visits.append(Visit(entry, entry.occurred_at))
    return visits


def _same_read(a: JournalEntry, b: JournalEntry) -> bool:
    return (a.action, a.actor_kind, a.actor_id, (a.payload or {}).get("what")) == (
        b.action,
        b.actor_kind,
        b.actor_id,
        (b.payload or {}).get("what"),
    )


def describe(entry: JournalEntry, user) -> dict:
    """One line of the access log in French."""
    payload = entry.payload or {}
    if entry.actor_id == str(user.public_id):
        who = "Vous"
    elif entry.actor_kind == ActorKind.ANONYMOUS:
        who = "Une personne non identifiée"
    else:
        who = f"{entry.actor_label} ({ActorKind(entry.actor_kind).label.lower()})"
    what = ACCESS_ACTIONS[entry.action]
    if entry.action.startswith("identity.") and payload.get("provider"):
        what += f" avec {PROVIDERS.get(payload['provider'], payload['provider'])}"
    return {
        "at": entry.occurred_at,
        "who": who,
        "what": what,
        "detail": payload.get("what", ""),
        "by_other": entry.action == "person.read",
    }


@require_GET
@holder_required
def my_data(request):
    person = request.user.person
    page = Paginator(access_visits(person), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "holder/my_data.html",
        {
            "person": person,
            "nir_masked": format_nir(person.reveal_nir()),
            "page": page,
            "lines": [
                {
                    **describe(visit.entry, request.user),
                    "count": visit.count,
                    "from": visit.first_at,
                }
                for visit in page
            ],
        },
    )
