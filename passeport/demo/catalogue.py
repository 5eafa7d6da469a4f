"""Occupational-safety trainings used to make believable demo passports.

Each title is declared with a kind of the maintained catalogue (`prevention.catalogue`),
which gives its renewal period; `PREVENTION_TRAININGS` keeps the generator's shape
(title, declaration kind, validity in months or None, words to find its RS fiche).
"""

from passeport.prevention import catalogue as prevention_catalogue

# (title, declaration kind, catalogue code, words to find its RS fiche)
_PREVENTION = [
    ("Sauveteur secouriste du travail (SST)", "JDR", "SST", "sauveteur secouriste"),
    ("Maintien et actualisation des compétences SST (MAC SST)", "ADF", "MAC_SST", ""),
    ("CACES R489 — chariots de manutention automoteurs", "JDR", "CACES_R489", "chariots"),
    ("CACES R482 — engins de chantier", "JDR", "CACES_R482", "engins de chantier"),
    (
        "Habilitation électrique B1V-BR-BC",
        "ADF",
        "HABILITATION_ELECTRIQUE",
        "habilitation electrique",
    ),
    ("Habilitation électrique H0-B0 (non-électricien)", "ADF", "HABILITATION_ELECTRIQUE", ""),
    ("Travail en hauteur et port du harnais", "ADF", "TRAVAIL_HAUTEUR", ""),
    ("Prévention du risque amiante — sous-section 4, opérateur", "ADF", "AMIANTE_SS4", "amiante"),
    ("Gestes et postures — prévention des TMS", "ADF", "GESTES_POSTURES", ""),
    ("Prévention des risques liés à l'activité physique (PRAP IBC)", "JDR", "PRAP", ""),
    (
        "Personne compétente en radioprotection (PCR)",
        "JDR",
        "RADIOPROTECTION_PCR",
        "radioprotection",
    ),
    ("Prévention des risques psychosociaux pour les managers", "ADF", "RPS", ""),
    ("Manipulation des produits chimiques dangereux", "ADF", "RISQUE_CHIMIQUE", ""),
    ("Autorisation d'intervention à proximité des réseaux (AIPR) opérateur", "ADF", "AIPR", ""),
    ("Équipier de première intervention — manipulation des extincteurs", "ADF", "EPI_INCENDIE", ""),
]

# The catalogue code of each demo title (what a declaration stores in `training_kind`).
PREVENTION_KIND_CODES = {title: code for title, _kind, code, _words in _PREVENTION}

PREVENTION_TRAININGS = [
    (title, kind, prevention_catalogue.by_code(code).renewal_months, words)
    for title, kind, code, words in _PREVENTION
]

ENGAGEMENTS = [
    ("service_civique", "Unis-Cité", "Volontaire en service civique", 960),
    (
        "volunteer_firefighter",
        "Service départemental d'incendie et de secours",
        "Sapeur-pompier volontaire",
        120,
    ),
    ("association_leader", "Association sportive locale", "Trésorier", 210),
    ("volunteering", "Restos du Cœur", "Bénévole à la distribution", 150),
    ("military_reserve", "Armée de terre", "Réserviste opérationnel", 30 * 7),
]

DECLARED = [
    ("language", "Anglais", "B2"),
    ("language", "Espagnol", "B1"),
    ("language", "Allemand", "A2"),
    ("driving_licence", "Permis B", ""),
    ("driving_licence", "Permis C (poids lourd)", ""),
    ("skill", "Gestion d'équipe", ""),
    ("skill", "Tableur : formules et tableaux croisés", ""),
    ("professional_card", "Carte professionnelle BTP", ""),
    ("experience", "Animation d'ateliers numériques (bénévole)", ""),
]

# Employers' trades, with a real NAF code each.
EMPLOYER_TRADES = [
    ("Boulangerie", "10.71C"),
    ("Transports", "49.41A"),
    ("Bâtiment", "41.20A"),
    ("Clinique", "86.10Z"),
    ("Informatique", "62.01Z"),
    ("Restaurant", "56.10A"),
    ("Nettoyage", "81.21Z"),
    ("Logistique", "52.10B"),
    ("Garage", "45.20A"),
    ("Supermarché", "47.11D"),
    ("Ehpad", "87.10A"),
    ("Électricité", "43.21A"),
    ("Menuiserie", "43.32A"),
    ("Conseil", "70.22Z"),
    ("Hôtel", "55.10Z"),
    ("Mairie", "84.11Z"),
    ("Métallurgie", "25.62B"),
    ("Aide à domicile", "88.10A"),
]
LEGAL_FORMS = ["SAS", "SARL", "SA", "EURL", "SCOP"]
