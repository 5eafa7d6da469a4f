"""The provider's offer as an LHEO 2.3 document, valid against the XSD (see lheo.py)."""

from lxml import etree

from .enums import CodeKind
from .lheo import ENROLMENT_CODES, MODALITY_CODES, NEUTRAL, NS, Q
from .models import Training


def _add(parent, name: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, f"{Q}{name}", {k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = text
    return element


def _date(day) -> str:
    return f"{day:%Y%m%d}"


def _price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _address(parent, action) -> None:
    address = _add(parent, "adresse")
    _add(address, "ligne", action.commune_name or "À distance")
    _add(address, "codepostal", action.commune_code or "00000")
    _add(address, "ville", action.commune_name or "À distance")
    if action.commune_code:
        _add(address, "code-INSEE-commune", action.commune_code)


def _formation(offres, training: Training, provider) -> None:
    formation = _add(offres, "formation", numero=training.provider_ref)
    domain = _add(formation, "domaine-formation")
    codes = list(training.codes.all())
    for kind, name in (
        (CodeKind.FORMACODE, "code-FORMACODE"),
        (CodeKind.NSF, "code-NSF"),
        (CodeKind.ROME, "code-ROME"),
    ):
        for code in (c.code for c in codes if c.kind == kind):
            _add(domain, name, code)
    _add(formation, "intitule-formation", training.title)
    _add(formation, "objectif-formation", training.objectives)
    _add(formation, "resultats-attendus", training.expected_results or training.objectives)
    _add(formation, "contenu-formation", training.content or training.objectives)
    _add(formation, "certifiante", "1" if training.certification_code else "0")
    contact = _add(formation, "contact-formation")
    _add(contact, "coordonnees")
    _add(formation, "parcours-de-formation", NEUTRAL["parcours-de-formation"])
    _add(formation, "code-niveau-entree", NEUTRAL["code-niveau-entree"])
    if training.certification_code:
        certification = _add(formation, "certification")
        code = training.certification_code
        if code.startswith("RNCP"):
            _add(certification, "code-RNCP", code[4:])
        else:
            _add(certification, "code-RS", code[2:])
    for action in training.actions.all():
        element = _add(formation, "action", numero=action.provider_ref)
        _add(element, "rythme-formation", NEUTRAL["rythme-formation"])
        _add(element, "code-public-vise", NEUTRAL["code-public-vise"])
        _add(element, "niveau-entree-obligatoire", "1" if training.has_prerequisites else "0")
        _add(element, "modalites-alternance", NEUTRAL["modalites-alternance"])
        _add(element, "modalites-enseignement", MODALITY_CODES[action.modality])
        _add(element, "conditions-specifiques", action.prerequisites or "Aucune")
        _add(element, "prise-en-charge-frais-possible", NEUTRAL["prise-en-charge-frais-possible"])
        if action.commune_code:
            place = _add(element, "lieu-de-formation")
            _address(_add(place, "coordonnees"), action)
        _add(element, "modalites-entrees-sorties", NEUTRAL["modalites-entrees-sorties"])
        for session in action.sessions.all():
            item = _add(element, "session", numero=session.provider_ref)
            period = _add(item, "periode")
            _add(period, "debut", _date(session.start_date))
            _add(period, "fin", _date(session.end_date))
            _address(_add(item, "adresse-inscription"), action)
            _add(item, "etat-recrutement", ENROLMENT_CODES[session.enrolment])
        _add(element, "prix-total-TTC", _price(action.price_cents))
        _add(element, "nombre-heures-total", str(action.hours))
    responsible = _add(formation, "organisme-formation-responsable")
    _add(responsible, "numero-activite", provider.nda_number)
    siret = _add(responsible, "SIRET-organisme-formation")
    _add(siret, "SIRET", provider.siret)
    _add(responsible, "nom-organisme", provider.name[:250])
    _add(responsible, "raison-sociale", provider.name[:250])
    _add(_add(responsible, "coordonnees-organisme"), "coordonnees")
    _add(_add(responsible, "contact-organisme"), "coordonnees")


def export_offer(provider) -> bytes:
    root = etree.Element(f"{Q}lheo", nsmap={None: NS})
    offres = _add(root, "offres")
    trainings = (
        Training.objects.filter(provider=provider)
        .prefetch_related("codes", "actions__sessions")
        .order_by("provider_ref", "pk")
    )
    for training in trainings.iterator(chunk_size=200):
        _formation(offres, training, provider)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
