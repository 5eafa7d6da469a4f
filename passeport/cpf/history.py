"""What a holder reads: each movement explained in plain French, the balance year by year
(for the chart and its table), and the simulator's explanation. Built from the ledger's
rows; no internal code reaches a page."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from passeport.organisations.models import Organisation

from . import rules
from .enums import CecActivity, MovementKind, Part
from .ledger import Balances
from .models import CpfAccount, Movement

SITUATIONS = {
    "standard": "",
    "low_qualified": " (montant majoré : sans qualification de niveau 3)",
    "disability": " (montant majoré : travailleur handicapé)",
}


def amount_text(part: str, amount: int, *, signed: bool = True) -> str:
    text = rules.hours_text(abs(amount)) if part == Part.HOURS else rules.euros(abs(amount))
    if not signed or amount == 0:
        return text
    return ("+ " if amount > 0 else "− ") + text


def explain_acquisition(acquisition: rules.Acquisition, employers: str = "") -> str:
    """ "2025 : 400 h travaillées chez … : moins d'un mi-temps (803,5 h), 500 € × 400 ÷ 803,5
    = 248,92 € (arrondi au centime supérieur)." and the ceiling, if it bites."""
    year, hours = acquisition.year, acquisition.hours
    worked = rules.worked_hours_text(hours)
    where = f" chez {employers}" if employers else ""
    annual = rules.euros(acquisition.annual_cents)
    ceiling = rules.euros(acquisition.ceiling_cents)
    situation = SITUATIONS[acquisition.situation]
    if hours <= 0:
        return f"{year} : aucune heure travaillée déclarée, aucun droit acquis."
    if acquisition.pro_rata:
        share = rules.pro_rata_share()
        half = rules.worked_hours_text(
            acquisition.reference_hours * share.numerator / share.denominator
        )
        text = (
            f"{year} : {worked} travaillées{where}, moins de {half} (mi-temps) : {annual} × "
            f"{worked.removesuffix(' h')} ÷ {half.removesuffix(' h')} = "
            f"{rules.euros(acquisition.gross_cents)} (arrondi au centime supérieur){situation}"
        )
    else:
        text = f"{year} : {worked} travaillées{where} → {annual}{situation}"
    if acquisition.capped:
        if acquisition.acquired_cents:
            text += (
                f" ; plafond de {ceiling} atteint : {rules.euros(acquisition.acquired_cents)} "
                "crédités"
            )
        else:
            text += f" ; plafond de {ceiling} atteint : aucun droit crédité"
    return text + "."


@dataclass
class Line:
    day: datetime.date
    title: str
    text: str
    amount: str
    part_label: str
    credit: bool


def _employers_text(details: dict, names: dict[str, str]) -> str:
    employers = details.get("employers") or {}
    if len(employers) == 1:
        (siret,) = employers
        return names.get(siret, f"l'établissement {siret}")
    return ", ".join(
        f"{names.get(siret, siret)} ({rules.worked_hours_text(Decimal(hours))})"
        for siret, hours in employers.items()
    )


def _acquisition_text(movement: Movement, names) -> str:
    d = movement.details
    acquisition = rules.Acquisition(
        year=movement.year,
        hours=Decimal(d.get("hours", "0")),
        reference_hours=Decimal(d.get("reference_hours", "1607")),
        situation=d.get("situation", "standard"),
        annual_cents=d.get("annual_cents", 0),
        ceiling_cents=d.get("ceiling_cents", 0),
        gross_cents=d.get("gross_cents", 0),
        pro_rata=d.get("pro_rata", False),
        balance_before_cents=d.get("balance_before_cents", 0),
        acquired_cents=max(0, movement.amount)
        if movement.kind == MovementKind.ACQUISITION
        else max(0, movement.amount + d.get("credited_before_cents", 0)),
    )
    return explain_acquisition(acquisition, _employers_text(d, names))


def describe(movement: Movement, names: dict[str, str], declarants: dict[int, str]) -> Line:
    kind, d = movement.kind, movement.details
    declarant = declarants.get(movement.declarant_id, "")
    ref = movement.reference
    if kind == MovementKind.ACQUISITION:
        title, text = (
            f"Droits acquis au titre de {movement.year}",
            _acquisition_text(movement, names),
        )
    elif kind == MovementKind.ADJUSTMENT and movement.part == Part.RIGHTS:
        title = f"Régularisation de {movement.year}"
        text = f"{movement.reason}. Nouveau calcul : {_acquisition_text(movement, names)}"
    elif kind == MovementKind.ADJUSTMENT:
        title = f"Régularisation de {movement.year} (agent public)"
        text = f"{movement.reason}."
    elif kind == MovementKind.CEC_CREDIT:
        activity = CecActivity(movement.activity).label if movement.activity else ""
        bodies = ", ".join(d.get("bodies", [])) or declarant
        title = f"Compte d'engagement citoyen {movement.year}"
        text = f"{activity} ({bodies}) : {rules.euros(rules.CEC_CREDIT_CENTS)} par activité"
        text += (
            "."
            if movement.amount == rules.CEC_CREDIT_CENTS
            else f" ; plafond de {rules.euros(rules.CEC_CEILING_CENTS)} atteint : "
            f"{rules.euros(movement.amount)} crédités."
        )
    elif kind == MovementKind.AGENT_CREDIT:
        title = f"Heures acquises au titre de {movement.year}"
        months = d.get("months", 12)
        employers = ", ".join(d.get("employers", [])) or declarant
        text = (
            f"{months} mois de service ({employers}) : "
            f"{rules.hours_text(d.get('annual_hundredths', 2500))} par année complète"
        )
        if movement.amount < d.get("hours_hundredths", movement.amount):
            text += f" ; plafond de {rules.hours_text(d.get('ceiling_hundredths', 0))} atteint"
        text += "."
    elif kind in (MovementKind.CONVERSION_OUT, MovementKind.CONVERSION_IN):
        title = "Conversion de vos droits (changement de statut)"
        to_hours = d.get("direction") == "euros_to_hours"
        debit = rules.euros(d.get("debit", 0)) if to_hours else rules.hours_text(d.get("debit", 0))
        credit = (
            rules.hours_text(d.get("credit", 0)) if to_hours else rules.euros(d.get("credit", 0))
        )
        text = f"{debit} convertis en {credit}, à raison de 15 € pour une heure."
    elif kind == MovementKind.FUNDER_CREDIT:
        title = "Abondement"
        text = f"Versé par {declarant}." if declarant else "Versé par un financeur."
    elif kind == MovementKind.FUNDER_RETURN:  # passeport.funding (décret 2025-341)
        title = "Abondement non utilisé rendu au financeur"
        text = f"{movement.reason} Rendu à {declarant or 'son financeur'}."
    elif kind == MovementKind.RESERVATION:
        title = "Droits réservés pour une formation"
        text = f"Dossier de formation {ref} : {rules.euros(movement.reserved_change)} réservés."
    elif kind == MovementKind.DEBIT:
        title = "Entrée en formation"
        text = f"Dossier de formation {ref} : droits débités."
    elif kind == MovementKind.RECREDIT:
        title = "Droits recrédités : formation réalisée en partie"
        text = (
            f"Dossier de formation {ref} : réalisée à {d.get('percent_done', 0)} %, "
            f"la part non réalisée des {rules.euros(d.get('debited', 0))} débités vous est rendue."
        )
    else:
        title = "Réservation libérée"
        text = (
            f"Dossier de formation {ref} : {rules.euros(-movement.reserved_change)} de nouveau "
            "disponibles."
        )
        if movement.reason:
            text += f" Motif : {movement.reason}."
    shown = movement.amount if kind != MovementKind.RESERVATION else -movement.reserved_change
    if kind == MovementKind.RELEASE:
        shown = -movement.reserved_change
    part_labels = {
        Part.RIGHTS: "Droits acquis",
        Part.CEC: "Engagement citoyen",
        Part.FUNDER: "Abondements",
        Part.HOURS: "Heures (agent public)",
    }
    return Line(
        day=movement.occurred_on,
        title=title,
        text=text,
        amount=amount_text(movement.part, shown),
        part_label=part_labels[movement.part],
        credit=shown >= 0 and kind not in (MovementKind.RESERVATION,),
    )


def names_for(movements: list[Movement]) -> tuple[dict[str, str], dict[int, str]]:
    """Employers' names by SIRET and declarants' names by id, in one query."""
    sirets = {
        s for m in movements for s in (m.details.get("employers") or {}) if isinstance(s, str)
    }
    declarant_ids = {m.declarant_id for m in movements if m.declarant_id}
    rows = Organisation.objects.filter(
        Q(siret__in=sorted(sirets)) | Q(pk__in=sorted(declarant_ids))
    ).values_list("pk", "siret", "name")
    by_siret, by_id = {}, {}
    for pk, siret, name in rows:
        by_siret[siret] = name
        by_id[pk] = name
    return by_siret, by_id


# --- chart -----------------------------------------------------------------------------------

CHART_HEIGHT = 160
BAR_WIDTH = 34
BAR_GAP = 14


def yearly(movements: list[Movement], today: datetime.date) -> list[dict]:
    """The balances at the end of each year, from the first movement's year to this one
    (movements in their order; a year without movement carries the previous balance)."""
    if not movements:
        return []
    by_year: dict[int, Balances] = {}
    for movement in movements:
        by_year[movement.occurred_on.year] = Balances.of_movement(movement)
    rows, current = [], Balances()
    for year in range(min(by_year), today.year + 1):
        current = by_year.get(year, current)
        rows.append(
            {
                "year": year,
                "rights": current.rights,
                "cec": current.cec,
                "funder": current.funder,
                "euros": current.euros,
                "hours": current.hours,
                "euros_text": rules.euros(current.euros),
                "rights_text": rules.euros(current.rights),
                "cec_text": rules.euros(current.cec),
                "funder_text": rules.euros(current.funder),
                "hours_text": rules.hours_text(current.hours),
            }
        )
    return rows


def chart(rows: list[dict]) -> dict:
    """Bars of an SVG drawn by the template (coordinates here; no script, no inline style;
    the table under it carries the same figures)."""
    top = max((row["euros"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        height = round(CHART_HEIGHT * row["euros"] / top)
        x = 50 + index * (BAR_WIDTH + BAR_GAP)
        bars.append(
            {
                **row,
                "x": x,
                "y": 20 + CHART_HEIGHT - height,
                "height": height,
                "text_x": x + BAR_WIDTH // 2,
                "text_y": 20 + CHART_HEIGHT - height - 4,
                "short": f"{row['euros'] // 100:,}".replace(",", "\u202f"),
            }
        )
    return {
        "bars": bars,
        "width": 60 + len(rows) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_HEIGHT + 50,
        "bar_width": BAR_WIDTH,
        "axis_y": 20 + CHART_HEIGHT,
        "label_y": 20 + CHART_HEIGHT + 18,
        "top_text": rules.euros(top if rows else 0),
    }


@dataclass
class Rights:
    account: CpfAccount | None
    balances: Balances
    lines: list[Line]
    years: list[dict]
    chart: dict

    @property
    def available_text(self) -> str:
        return rules.euros(self.balances.available)


def rights_of(person, today: datetime.date) -> Rights:
    """Everything "Mes droits" shows, in a fixed number of queries (3) whatever the
    length of the history."""
    account = CpfAccount.objects.filter(person=person).first()
    if account is None:
        return Rights(None, Balances(), [], [], chart([]))
    movements = list(account.movements.order_by("seq"))
    names, declarants = names_for(movements) if movements else ({}, {})
    lines = [describe(movement, names, declarants) for movement in reversed(movements)]
    years = yearly(movements, today)
    balances = Balances.of_movement(movements[-1] if movements else None)
    return Rights(account, balances, lines, years, chart(years))


def block(person) -> dict:
    """The short « Mes droits » block of the holder's home page: one query."""
    movement = Movement.objects.filter(account__person=person).order_by("-seq").first()
    balances = Balances.of_movement(movement)
    return {
        "available": rules.euros(balances.available),
        "hours": rules.hours_text(balances.hours) if balances.hours else "",
        "last": describe(movement, {}, {}) if movement else None,
    }
