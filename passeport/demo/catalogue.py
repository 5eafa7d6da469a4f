"""Occupational-safety trainings used to make believable demo passports.

(title, declaration kind, validity in months or None, words to find its RS fiche.)
The maintained catalogue with the regulation behind each period belongs to the
prevention domain; this list only feeds the demo generator.
"""

PREVENTION_TRAININGS = [
    ("Sauveteur secouriste du travail (SST)", "JDR", 24, "sauveteur secouriste"),
    ("Maintien et actualisation des compétences SST (MAC SST)", "ADF", 24, ""),
    ("CACES R489 — chariots de manutention automoteurs", "JDR", 60, "chariots"),
    ("CACES R482 — engins de chantier", "JDR", 120, "engins de chantier"),
    ("Habilitation électrique B1V-BR-BC", "ADF", 36, "habilitation electrique"),
    ("Habilitation électrique H0-B0 (non-électricien)", "ADF", 36, ""),
    ("Travail en hauteur et port du harnais", "ADF", 36, ""),
    ("Prévention du risque amiante — sous-section 4, opérateur", "ADF", 36, "amiante"),
    ("Gestes et postures — prévention des TMS", "ADF", None, ""),
    ("Prévention des risques liés à l'activité physique (PRAP IBC)", "JDR", 24, ""),
    ("Personne compétente en radioprotection (PCR)", "JDR", 60, "radioprotection"),
    ("Prévention des risques psychosociaux pour les managers", "ADF", None, ""),
    ("Manipulation des produits chimiques dangereux", "ADF", None, ""),
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
