"""Does a training belong in the passeport de prévention? (décret 2025-748, art. 4)

A questionnaire, one question at a time, that stops as soon as the answer is known, and
a verdict that says why, citing the rule. Pure logic (no database, no request): the web
page (`www/pro/prevention/eligibility.py`) only carries the answers from step
to step, so the questionnaire works without JavaScript, for anonymous visitors too.

The rules (domain notes, décret 2025-748 art. 4):

- the training serves prevention or the employer's general training duty (L.4121-1);
- it gives an ADF (attestation de formation) or a JDR (justificatif de réussite) to a
  holder of a compte personnel de formation; when it gives both, only the JDR is
  declared;
- its skills transfer to any post exposed to similar risks;
- it belongs to one of four categories: (1) obligatory trainings fully framed by
  regulation, (2) trainings leading to an employer's authorisation or habilitation (the
  training is declared, not the act), (3) trainings whose specific objective is set by
  regulation, (4) trainings under the general training duty;
- excluded: training of trainers; the safety training at onboarding (R.4141-13);
  security of persons and property, except the sauveteur secouriste du travail
  (R.4224-15); the CSE members' training (L.2315-18); préventeur trainings, except the
  "salarié compétent", the radiation protection officer (PCR) and the hyperbaric
  adviser;
- transition: only categories 1 and 2 until 30 June 2026 for training providers and
  30 September 2026 for employers.
"""

import dataclasses
import datetime

PROVIDER = "provider"
EMPLOYER = "employer"
TRANSITION_ENDS = {
    PROVIDER: datetime.date(2026, 6, 30),
    EMPLOYER: datetime.date(2026, 9, 30),
}

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NOT_YET = "not_yet"

DECREE = "décret n° 2025-748, art. 4"


@dataclasses.dataclass(frozen=True)
class Question:
    key: str
    text: str
    choices: tuple[tuple[str, str], ...]
    help: str = ""


# Subjects that the decree excludes or excepts; "other" is none of them.
SUBJECTS = (
    ("other", "Aucun des cas ci-dessous"),
    ("trainers", "Une formation de formateurs (apprendre à former à la prévention)"),
    ("onboarding", "La formation à la sécurité donnée à l'arrivée au poste (R.4141-13)"),
    ("sst", "Sauveteur secouriste du travail (SST, R.4224-15), initial ou recyclage (MAC)"),
    (
        "security",
        "Une autre formation à la sécurité des personnes et des biens (agent de sécurité, "
        "sûreté, incendie et évacuation…)",
    ),
    ("cse", "La formation des membres du comité social et économique (CSE, L.2315-18)"),
    ("competent_worker", "La formation du « salarié compétent » en prévention (L.4644-1)"),
    ("pcr", "Personne compétente en radioprotection (PCR)"),
    ("hyperbaric", "Conseiller à la prévention hyperbare"),
    (
        "preventer",
        "Une autre formation de préventeur (IPRP, animateur ou responsable prévention, "
        "coordonnateur SPS…)",
    ),
)

QUESTIONS = (
    Question(
        "declarant",
        "Qui déclare la formation ?",
        (
            (PROVIDER, "Un organisme de formation, pour une formation qu'il a dispensée"),
            (EMPLOYER, "Un employeur, pour une formation qu'il a organisée lui-même"),
        ),
        "Les délais de la période transitoire ne sont pas les mêmes.",
    ),
    Question(
        "purpose",
        "La formation sert-elle la prévention des risques professionnels ou l'obligation "
        "générale de formation de l'employeur à la sécurité (article L.4121-1 du code du "
        "travail) ?",
        (("yes", "Oui"), ("no", "Non")),
    ),
    Question(
        "subject",
        "La formation est-elle l'un de ces cas particuliers ?",
        SUBJECTS,
        "Le décret exclut certaines formations et fait des exceptions à ces exclusions.",
    ),
    Question(
        "proof",
        "Que reçoit le stagiaire à l'issue de la formation ?",
        (
            ("adf", "Une attestation de formation (il a suivi la formation)"),
            (
                "jdr",
                "Un justificatif de réussite après une évaluation (diplôme, titre, "
                "habilitation, certificat)",
            ),
            ("both", "Les deux"),
            ("none", "Aucun document"),
        ),
    ),
    Question(
        "cpf_holder",
        "Le stagiaire a-t-il un compte personnel de formation (salarié ou demandeur "
        "d'emploi de 15 ans ou plus, avec un numéro de sécurité sociale) ?",
        (("yes", "Oui"), ("no", "Non")),
    ),
    Question(
        "transferable",
        "Les compétences acquises valent-elles pour tout poste exposé à des risques "
        "similaires, et pas seulement pour une machine ou un site particulier ?",
        (("yes", "Oui"), ("no", "Non, elles sont propres à un équipement ou un site")),
    ),
    Question(
        "category",
        "Dans quelle catégorie entre la formation ?",
        (
            (
                "1",
                "1. Une formation obligatoire entièrement encadrée par la réglementation "
                "(radioprotection, amiante SS3/SS4, diisocyanates…)",
            ),
            (
                "2",
                "2. Une formation qui conduit à une autorisation ou une habilitation délivrée "
                "par l'employeur (CACES et engins mobiles, habilitation électrique, "
                "pyrotechnie…)",
            ),
            ("3", "3. Une formation dont l'objectif précis est fixé par la réglementation"),
            ("4", "4. Une formation au titre de l'obligation générale de formation à la sécurité"),
            ("none", "Aucune de ces catégories"),
        ),
    ),
)
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}


@dataclasses.dataclass(frozen=True)
class Reason:
    text: str
    rule: str


@dataclasses.dataclass(frozen=True)
class Verdict:
    outcome: str  # ELIGIBLE, NOT_ELIGIBLE, NOT_YET
    reasons: tuple[Reason, ...]
    declare: str = ""  # "ADF" or "JDR" when eligible or not yet
    declarable_from: datetime.date | None = None

    @property
    def eligible(self) -> bool:
        return self.outcome == ELIGIBLE


def clean(answers: dict) -> dict[str, str]:
    """The known answers among `answers` (e.g. a request's GET data), in question order,
    up to the first missing or unknown one: a later answer without its predecessors
    means nothing."""
    kept = {}
    for question in QUESTIONS:
        value = answers.get(question.key)
        if value not in {choice for choice, _ in question.choices}:
            break
        kept[question.key] = value
    return kept


_EXCLUSIONS = {
    "trainers": Reason("La formation de formateurs est exclue du passeport de prévention.", DECREE),
    "onboarding": Reason(
        "La formation à la sécurité donnée à l'arrivée au poste (article R.4141-13 du code "
        "du travail) est exclue du passeport de prévention.",
        DECREE,
    ),
    "security": Reason(
        "Les formations à la sécurité des personnes et des biens sont exclues du passeport "
        "de prévention (seule exception : le sauveteur secouriste du travail).",
        DECREE,
    ),
    "cse": Reason(
        "La formation des membres du comité social et économique (article L.2315-18 du "
        "code du travail) est exclue du passeport de prévention.",
        DECREE,
    ),
    "preventer": Reason(
        "Les formations de préventeur sont exclues du passeport de prévention, sauf celles "
        "du salarié compétent, de la personne compétente en radioprotection et du "
        "conseiller à la prévention hyperbare.",
        DECREE,
    ),
}
_EXCEPTIONS = {
    "sst": Reason(
        "Le sauveteur secouriste du travail (article R.4224-15 du code du travail) fait "
        "exception à l'exclusion des formations à la sécurité des personnes et des biens.",
        DECREE,
    ),
    "competent_worker": Reason(
        "La formation du salarié compétent fait exception à l'exclusion des formations de "
        "préventeur.",
        DECREE,
    ),
    "pcr": Reason(
        "La formation de personne compétente en radioprotection fait exception à "
        "l'exclusion des formations de préventeur.",
        DECREE,
    ),
    "hyperbaric": Reason(
        "La formation de conseiller à la prévention hyperbare fait exception à l'exclusion "
        "des formations de préventeur.",
        DECREE,
    ),
}
_CATEGORIES = {
    "1": Reason(
        "Catégorie 1 : formation obligatoire entièrement encadrée par la réglementation.",
        DECREE,
    ),
    "2": Reason(
        "Catégorie 2 : formation conduisant à une autorisation ou une habilitation de "
        "l'employeur. C'est la formation qui est déclarée, pas l'acte d'habilitation.",
        DECREE,
    ),
    "3": Reason(
        "Catégorie 3 : formation dont l'objectif précis est fixé par la réglementation.", DECREE
    ),
    "4": Reason(
        "Catégorie 4 : formation au titre de l'obligation générale de formation à la "
        "sécurité (article L.4121-1 du code du travail).",
        DECREE,
    ),
}
_TRANSITION_RULE = "décret n° 2025-748, dispositions transitoires"


def _declare(proof: str) -> tuple[str, Reason]:
    if proof == "adf":
        return "ADF", Reason(
            "Le stagiaire reçoit une attestation de formation : déclarez une ADF.", DECREE
        )
    if proof == "jdr":
        return "JDR", Reason(
            "Le stagiaire reçoit un justificatif de réussite : déclarez un JDR.", DECREE
        )
    return "JDR", Reason(
        "La formation donne une attestation et un justificatif de réussite : ne déclarez "
        "que le justificatif de réussite (JDR).",
        DECREE,
    )


def evaluate(answers: dict, today: datetime.date) -> Verdict | None:
    """The verdict once the answers decide it, else None (ask `next_question`)."""
    answers = clean(answers)
    reasons: list[Reason] = []
    if "purpose" not in answers:
        return None
    if answers["purpose"] == "no":
        return Verdict(
            NOT_ELIGIBLE,
            (
                Reason(
                    "Seules les formations qui servent la prévention des risques "
                    "professionnels ou l'obligation générale de formation à la sécurité "
                    "(article L.4121-1 du code du travail) entrent dans le passeport de "
                    "prévention.",
                    DECREE,
                ),
            ),
        )
    if "subject" not in answers:
        return None
    subject = answers["subject"]
    if subject in _EXCLUSIONS:
        return Verdict(NOT_ELIGIBLE, (_EXCLUSIONS[subject],))
    if subject in _EXCEPTIONS:
        reasons.append(_EXCEPTIONS[subject])
    if "proof" not in answers:
        return None
    if answers["proof"] == "none":
        return Verdict(
            NOT_ELIGIBLE,
            (
                *reasons,
                Reason(
                    "Une formation qui ne donne ni attestation de formation ni justificatif "
                    "de réussite ne se déclare pas.",
                    DECREE,
                ),
            ),
        )
    declare, proof_reason = _declare(answers["proof"])
    if "cpf_holder" not in answers:
        return None
    if answers["cpf_holder"] == "no":
        return Verdict(
            NOT_ELIGIBLE,
            (
                *reasons,
                Reason(
                    "Le passeport de prévention est celui des titulaires d'un compte "
                    "personnel de formation (salariés et demandeurs d'emploi de 15 ans et "
                    "plus).",
                    f"{DECREE} ; code du travail, L.4141-5",
                ),
            ),
        )
    if "transferable" not in answers:
        return None
    if answers["transferable"] == "no":
        return Verdict(
            NOT_ELIGIBLE,
            (
                *reasons,
                Reason(
                    "Les compétences doivent être transférables à tout poste exposé à des "
                    "risques similaires ; une formation propre à un équipement ou à un site "
                    "n'entre pas dans le passeport.",
                    DECREE,
                ),
            ),
        )
    if "category" not in answers:
        return None
    category = answers["category"]
    if category == "none":
        return Verdict(
            NOT_ELIGIBLE,
            (
                *reasons,
                Reason(
                    "La formation doit entrer dans l'une des quatre catégories du décret.",
                    DECREE,
                ),
            ),
        )
    reasons.append(_CATEGORIES[category])
    reasons.append(proof_reason)
    declarant = answers["declarant"]
    transition_end = TRANSITION_ENDS[declarant]
    if category in ("3", "4") and today <= transition_end:
        who = "les organismes de formation" if declarant == PROVIDER else "les employeurs"
        start = transition_end + datetime.timedelta(days=1)
        return Verdict(
            NOT_YET,
            (
                *reasons,
                Reason(
                    f"Pendant la période transitoire, seules les catégories 1 et 2 se "
                    f"déclarent : jusqu'au {transition_end:%d/%m/%Y} pour {who}. Cette "
                    f"formation se déclarera à partir du {start:%d/%m/%Y}.",
                    _TRANSITION_RULE,
                ),
            ),
            declare=declare,
            declarable_from=start,
        )
    return Verdict(ELIGIBLE, tuple(reasons), declare=declare)


def next_question(answers: dict, today: datetime.date) -> Question | None:
    """The next question to ask, or None when the verdict is known."""
    answers = clean(answers)
    if evaluate(answers, today) is not None:
        return None
    for question in QUESTIONS:
        if question.key not in answers:
            return question
    return None  # pragma: no cover - every complete set of answers has a verdict


def summary(answers: dict) -> list[tuple[Question, str]]:
    """The questions answered so far with the chosen label, in order."""
    answers = clean(answers)
    return [
        (QUESTION_BY_KEY[key], dict(QUESTION_BY_KEY[key].choices)[value])
        for key, value in answers.items()
    ]
