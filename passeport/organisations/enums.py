from django.db import models


class OrganisationKind(models.TextChoices):
    EMPLOYER = "employer", "Employeur"
    TRAINING_PROVIDER = "training_provider", "Organisme de formation"
    CERTIFIER = "certifier", "Certificateur"
    FUNDER = "funder", "Financeur"
    CIVIC_BODY = "civic_body", "Organisme d'engagement citoyen"
    PUBLIC_EMPLOYER = "public_employer", "Employeur public"
    COUNSELLING = "counselling", "Accompagnement (conseil en évolution professionnelle)"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    MEMBER = "member", "Membre"
