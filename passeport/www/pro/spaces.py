"""Every space a member's organisation gives, by its kinds: the professional home lists
them all, so that no kind's portal is out of reach (a certifier's accrochage upload was).
A new kind of organisation adds its lines here."""

from django.urls import reverse

# (the organisation's flag — None: every organisation —, label, URL name, admins only)
SPACES = (
    ("is_employer", "Suivi des formations de prévention", "pro:followup_board", False),
    ("is_employer", "Déclarer des formations de prévention", "pro:prevention_home", False),
    ("is_training_provider", "Déclarer des formations de prévention", "pro:prevention_home", False),
    ("is_employer", "Mes déclarations de prévention (corriger, annuler)",
     "pro:prevention_declarations", False),
    ("is_training_provider", "Mes déclarations de prévention (corriger, annuler)",
     "pro:prevention_declarations", False),
    ("is_employer", "Déclarations des organismes à vérifier", "pro:prevention_reviews", False),
    ("is_certifier", "Accrochage des certifications : déposer un fichier, suivre les dépôts",
     "certifier:submissions", False),
    ("is_certifier", "Organismes habilités à préparer à vos certifications (catalogue CPF)",
     "certifier:authorisations", False),
    ("is_civic_body", "Compte d'engagement citoyen : déclarer, confirmer les heures des "
     "bénévoles", "pro:cec_home", False),
    ("is_public_employer", "Droits CPF des agents publics", "pro:agents_home", False),
    ("is_counselling", "Personnes accompagnées (accès accordés)", "pro:counselling_list", False),
    ("is_funder", "Espace financeur : abondements, règles, tableau de bord", "pro:funder_home",
     False),
    ("is_training_provider", "Offre de formation CPF (catalogue)", "pro:catalog_offers", False),
    ("is_training_provider", "Dossiers de formation CPF (EDOF)", "pro:catalog_files", False),
    (None, "Gérer les membres", "pro:members", True),
    (None, "Clients d'API", "pro:api_clients", True),
)  # fmt: skip


def spaces_for(membership) -> list[tuple[str, str]]:
    """(label, URL) of every space of the membership's organisation, each once."""
    organisation, admin = membership.organisation, membership.role == "admin"
    seen, found = set(), []
    for flag, label, name, admins_only in SPACES:
        if flag is not None and not getattr(organisation, flag, False):
            continue
        if (admins_only and not admin) or name in seen:
            continue
        seen.add(name)
        found.append((label, reverse(name, args=[organisation.public_id])))
    return found
