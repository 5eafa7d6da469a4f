"""Builders of flux XML for the cases the hand-written file does not cover."""

from pathlib import Path

DATA = Path(__file__).parent / "data"
HANDWRITTEN = DATA / "flux_v1.1.2.xml"


def passage(
    id_technique="P-1",
    *,
    identification=None,
    valid_from="2026-07-01",
    valid_until=None,
    exam=("2026-06-02", "2026-06-04"),
    action=None,
    extra="",
    award="PAR_ADMISSION",
    scoring=None,
):
    identification = identification or holder()
    until = (
        f"<cpf:dateFinValidite>{valid_until}</cpf:dateFinValidite>"
        if valid_until
        else '<cpf:dateFinValidite xsi:nil="true"/>'
    )
    exam_xml = (
        f"<cpf:dateDebutExamen>{exam[0]}</cpf:dateDebutExamen>"
        f"<cpf:dateFinExamen>{exam[1]}</cpf:dateFinExamen>"
        if exam
        else ""
    )
    score = f"<cpf:scoring>{scoring}</cpf:scoring>" if scoring else '<cpf:scoring xsi:nil="true"/>'
    return f"""
    <cpf:passageCertification>
      <cpf:idTechnique>{id_technique}</cpf:idTechnique>
      {f"<cpf:action>{action}</cpf:action>" if action else ""}
      <cpf:obtentionCertification>{award}</cpf:obtentionCertification>
      <cpf:donneeCertifiee>true</cpf:donneeCertifiee>
      {exam_xml}
      <cpf:dateDebutValidite>{valid_from}</cpf:dateDebutValidite>
      {until}
      <cpf:presenceNiveauLangueEuro>false</cpf:presenceNiveauLangueEuro>
      <cpf:presenceNiveauNumeriqueEuro>false</cpf:presenceNiveauNumeriqueEuro>
      {score}
      <cpf:mentionValidee xsi:nil="true"/>
      <cpf:modalitesInscription><cpf:modaliteAcces>VAE</cpf:modaliteAcces></cpf:modalitesInscription>
      <cpf:identificationTitulaire>{identification}</cpf:identificationTitulaire>
      {extra}
    </cpf:passageCertification>"""


def holder(
    name="LE BIHAN-LEFEVRE",
    first="Anaïs",
    year=1988,
    month=4,
    day=12,
    sex="F",
    insee="69123",
    postcode=None,
    country="100",
):
    place = (
        f"<cpf:codePostalNaissance><cpf:codePostal>{postcode}</cpf:codePostal>"
        "</cpf:codePostalNaissance>"
        if postcode
        else f"<cpf:codeInseeNaissance><cpf:codeInsee>{insee}</cpf:codeInsee>"
        "</cpf:codeInseeNaissance>"
    )
    return f"""<cpf:titulaire>
        <cpf:nomNaissance>{name}</cpf:nomNaissance><cpf:nomUsage xsi:nil="true"/>
        <cpf:prenom1>{first}</cpf:prenom1><cpf:anneeNaissance>{year}</cpf:anneeNaissance>
        <cpf:moisNaissance>{month}</cpf:moisNaissance><cpf:jourNaissance>{day}</cpf:jourNaissance>
        <cpf:sexe>{sex}</cpf:sexe><cpf:codeCommuneNaissance>{place}</cpf:codeCommuneNaissance>
        <cpf:codePaysNaissance>{country}</cpf:codePaysNaissance></cpf:titulaire>"""


def national_id(nir, name):
    return (
        f"<cpf:identifiantNational><cpf:nir>{nir}</cpf:nir>"
        f"<cpf:nomNaissance>{name}</cpf:nomNaissance></cpf:identifiantNational>"
    )


def flux(
    *certifications,
    id_flux="FLUX-TEST-1",
    emitter="CERTA001",
    certifier_id="CERTA001",
    contract="MCFCER000123",
):
    """`certifications`: (type, code, [passage xml…]) or (type, code, passages, nature)."""
    parts = []
    for kind, code, passages, *nature in certifications:
        nature_xml = f"<cpf:natureDeposant>{nature[0]}</cpf:natureDeposant>" if nature else ""
        parts.append(
            f"<cpf:certification><cpf:type>{kind}</cpf:type><cpf:code>{code}</cpf:code>"
            f"{nature_xml}<cpf:passageCertifications>{''.join(passages)}"
            "</cpf:passageCertifications></cpf:certification>"
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cpf:flux xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <cpf:idFlux>{id_flux}</cpf:idFlux>
  <cpf:horodatage>2026-11-20T09:30:00+01:00</cpf:horodatage>
  <cpf:emetteur><cpf:idClient>{emitter}</cpf:idClient>
    <cpf:certificateurs><cpf:certificateur>
      <cpf:idClient>{certifier_id}</cpf:idClient><cpf:idContrat>{contract}</cpf:idContrat>
      <cpf:certifications>{"".join(parts)}</cpf:certifications>
    </cpf:certificateur></cpf:certificateurs>
  </cpf:emetteur>
</cpf:flux>
""".encode()
