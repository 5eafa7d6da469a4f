from django.db import models


class OrganisationKind(models.TextChoices):
    EMPLOYER = "employer", "Employeur"
    TRAINING_PROVIDER = "training_provider", "Organisme de formation"
    CERTIFIER = "certifier", "Certificateur"
    FUNDER = "funder", "Financeur"
    COUNSELLING = "counselling", "Accompagnement (conseil en évolution professionnelle)"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    MEMBER = "member", "Membre"
