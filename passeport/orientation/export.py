"""What orientation keeps about a holder, for their data export (« Mes données »)."""

from .models import ActionStep, CounsellingGrant, JobMatch, SavedTarget


def orientation_export(person) -> dict:
    return {
        "orientation_metiers_exerces": [
            {
                "intitule": match.job_title,
                "pcs_ese": match.pcs_ese,
                "etat": match.get_status_display(),
                "metier_propose": match.proposed.label if match.proposed_id else "",
                "metier_retenu": match.appellation.label if match.appellation_id else "",
                "decide_le": match.decided_at.isoformat() if match.decided_at else "",
            }
            for match in JobMatch.objects.filter(person=person)
            .select_related("proposed", "appellation")
            .order_by("job_title", "pk")
        ],
        "orientation_metiers_vises": [
            {"metier": target.label, "code_rome": target.rome.code}
            for target in SavedTarget.objects.filter(person=person)
            .select_related("rome", "appellation")
            .order_by("created_at", "pk")
        ],
        "orientation_acces_conseillers": [
            {
                "organisation": grant.organisation.name,
                "siret": grant.organisation.siret,
                "parties": grant.scope_labels,
                "du": grant.starts_on.isoformat(),
                "au": grant.ends_on.isoformat(),
                "etat": grant.get_status_display(),
                "objet": grant.purpose,
            }
            for grant in CounsellingGrant.objects.filter(person=person)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
        "orientation_plans_d_action": [
            {
                "organisation": step.organisation.name,
                "etape": step.title,
                "precisions": step.detail,
                "echeance": step.due_on.isoformat() if step.due_on else "",
                "etat": step.get_status_display(),
                "redige_par": step.author_label,
            }
            for step in ActionStep.objects.filter(person=person)
            .select_related("organisation")
            .order_by("created_at", "pk")
        ],
    }
