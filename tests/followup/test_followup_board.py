"""The employer's follow-up board, from the attacker's side first: other organisations,
holders and anonymous visitors; then consent, states, posts, exports, journal, queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from passeport.consent.models import PreventionConsent
from passeport.followup.models import Post, PostAssignment, RosterEntry
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Membership
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def url(organisation, suffix=""):
    return f"/pro/organisations/{organisation.public_id}/prevention/suivi/{suffix}"


def body(response) -> bytes:
    """An export's bytes (both exports are streamed)."""
    assert response.streaming
    return b"".join(response.streaming_content)


@pytest.fixture
def staff(employer, make_employee, training, day):
    """Three employees: all (an SST expiring soon, an expired AIPR), part (one of two
    trainings chosen), none."""
    alice = make_employee("all", first_names="Alice", birth_name="Aubert")
    training(alice, valid_until=day + D(40), title="SST Alice")
    training(alice, valid_until=day - D(3), kind="AIPR", title="AIPR Alice")
    bruno = make_employee("part", first_names="Bruno", birth_name="Blanc")
    shown = training(bruno, valid_until=day + D(400), kind="RADIOPROTECTION_PCR", title="PCR Bruno")
    training(bruno, valid_until=day + D(30), kind="CACES_R489", title="CACES secret Bruno")
    PreventionConsent.objects.filter(person=bruno).update(lineages=[str(shown.lineage)])
    chloe = make_employee("none", first_names="Chloé", birth_name="Carré")
    training(chloe, valid_until=day + D(30), title="SST secret Chloé")
    return alice, bruno, chloe


def test_anonymous_visitors_are_sent_to_the_login_page(client, employer, staff):
    for suffix in (
        "",
        "export.csv",
        "export.xlsx",
        f"salaries/{staff[0].public_id}/",
        "liste/",
        "postes/",
    ):
        response = client.get(url(employer, suffix))
        assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_other_organisations_holders_and_non_employers_are_refused(client, employer, staff):
    outsider = UserFactory()
    Membership.objects.create(user=outsider, organisation=OrganisationFactory(), role="admin")
    employee_user = staff[0]  # the employee's own holder account
    from passeport.users.models import User

    for attacker in (outsider, UserFactory(), User.objects.get(person=employee_user)):
        client.force_login(attacker)
        for suffix in (
            "",
            "export.csv",
            "export.xlsx",
            f"salaries/{staff[0].public_id}/",
            "liste/",
            "postes/",
        ):
            assert client.get(url(employer, suffix)).status_code == 403, (attacker, suffix)
        assert (
            client.post(url(employer, "liste/"), {"nir": "x", "birth_name": "y"}).status_code == 403
        )
        assert client.post(url(employer, "postes/"), {"name": "x"}).status_code == 403
    assert not JournalEntry.objects.filter(action="person.read").exists()
    # A member of a provider (not an employer) has no board.
    provider = OrganisationFactory(training_provider=True)
    Membership.objects.create(user=outsider, organisation=provider, role="admin")
    client.force_login(outsider)
    assert client.get(url(provider)).status_code == 403


def test_another_employers_employee_is_not_found_through_this_board(
    client, employer, make_employee, training, day
):
    stranger = make_employee("all", organisation=OrganisationFactory(), first_names="Zoé")
    training(stranger, valid_until=day + D(30), title="SST Zoé")
    client.force_login(employer.member)
    assert "Zoé" not in client.get(url(employer)).content.decode()
    assert client.get(url(employer, f"salaries/{stranger.public_id}/")).status_code == 404
    assert "SST Zoé" not in body(client.get(url(employer, "export.csv"))).decode()


def test_the_board_shows_only_what_each_holder_consents_to(client, employer, staff):
    alice, bruno, _chloe = staff
    client.force_login(employer.member)
    page = client.get(url(employer)).content.decode()
    assert "SST Alice" in page and "AIPR Alice" in page
    assert "PCR Bruno" in page and "CACES secret Bruno" not in page
    assert "Chloé Carré" in page and "SST secret Chloé" not in page
    assert "Consentement non donné" in page
    assert "Expire bientôt" in page and "Expirée" in page
    assert page.count("fr-badge--success") == 1  # Bruno's PCR
    # Journaled for each person whose trainings were shown, not for Chloé.
    reads = JournalEntry.objects.filter(action="person.read")
    assert set(reads.values_list("person_id", flat=True)) == {alice.pk, bruno.pk}
    assert reads.first().actor_id == str(employer.member.public_id)


def test_counters_and_chart_cover_every_employee(client, employer, staff, day):
    client.force_login(employer.admin)
    response = client.get(url(employer))
    assert response.context["counters"] == {
        "valid": 1,
        "expiring": 1,
        "expired": 1,
        "employees": 3,
        "no_consent": 1,
    }
    chart = response.context["chart"]
    # The SST in 40 days; neither the expired AIPR nor the PCR in 400 days.
    assert len(chart["bars"]) == 12 and chart["total"] == 1
    expiring_month = (day + D(40)).replace(day=1)
    labels = [bar["label"] for bar in chart["bars"] if bar["count"]]
    assert len(labels) == 1 and str(expiring_month.year) in labels[0]
    assert (
        "<svg" in response.content.decode()
        and "même données que le graphique" in response.content.decode()
    )


def test_filters_by_family_and_status(client, employer, staff):
    client.force_login(employer.member)
    page = client.get(url(employer), {"famille": "radiological"}).content.decode()
    assert "PCR Bruno" in page and "SST Alice" not in page and "Alice" not in page
    page = client.get(url(employer), {"etat": "expired"}).content.decode()
    assert "AIPR Alice" in page and "Bruno" not in page
    page = client.get(url(employer), {"etat": "no_consent"}).content.decode()
    assert "Chloé" in page and "Alice" not in page
    assert client.get(url(employer), {"etat": "nimporte"}).status_code == 200


def test_a_renewal_hides_the_training_it_renews(client, employer, staff, training, day):
    alice = staff[0]
    training(alice, valid_until=day + D(700), kind="AIPR", title="AIPR renouvelée")
    client.force_login(employer.member)
    page = client.get(url(employer)).content.decode()
    assert "AIPR renouvelée" in page and "AIPR Alice" not in page


def test_posts_show_who_lacks_what(client, employer, staff):
    alice, bruno, chloe = staff
    client.force_login(employer.admin)
    response = client.post(
        url(employer, "postes/"), {"name": "Cariste", "required_kinds": ["CACES_R489", "SST"]}
    )
    assert response.status_code == 302
    post = Post.objects.get(employer=employer)
    for person in (alice, bruno, chloe):
        response = client.post(
            url(employer, f"salaries/{person.public_id}/"),
            {"action": "affecter", "poste": str(post.public_id)},
        )
        assert response.status_code == 302
    response = client.get(url(employer), {"etat": "missing"})
    page = response.content.decode()
    # Alice lacks the CACES; Bruno shows neither (the CACES is not shared with us);
    # of Chloé, who shares nothing, nothing is known.
    assert "Alice" in page and "Bruno" in page and "Chloé" not in page
    lacks = dict(response.context["posts"][0]["lacks"])
    assert {kind.code: count for kind, count in lacks.items()} == {"CACES_R489": 2, "SST": 1}
    assert (
        client.post(
            url(employer, "postes/"), {"name": "Cariste", "required_kinds": ["SST"]}
        ).status_code
        == 400
    )


def test_csv_and_xlsx_exports_follow_consent_and_filters(client, employer, staff):
    client.force_login(employer.member)
    response = client.get(url(employer, "export.csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="suivi-prevention-')
    text = body(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Nom" and len(rows) == 1 + 2 + 1 + 1
    assert (
        "CACES secret" not in text and "SST secret" not in text and "Consentement non donné" in text
    )
    assert staff[0].reveal_nir()[:13] not in text
    response = client.get(url(employer, "export.xlsx"), {"famille": "radiological"})
    sheet = load_workbook(io.BytesIO(body(response))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][5] == "PCR Bruno" and len(values) == 2
    assert isinstance(values[1][9], datetime.datetime)
    assert client.get(url(employer, "export.pdf")).status_code == 404
    whats = JournalEntry.objects.filter(action="person.read").values_list("payload", flat=True)
    assert sum("Export XLSX" in payload["what"] for payload in whats) == 1  # Bruno only


def test_employee_detail_is_journaled_and_follows_consent(client, employer, staff):
    _alice, bruno, chloe = staff
    client.force_login(employer.member)
    page = client.get(url(employer, f"salaries/{bruno.public_id}/")).content.decode()
    assert "PCR Bruno" in page and "CACES secret" not in page
    assert JournalEntry.objects.filter(action="person.read", person_id=bruno.pk).count() == 1
    page = client.get(url(employer, f"salaries/{chloe.public_id}/")).content.decode()
    assert "Consentement non donné" in page and "SST secret" not in page
    assert not JournalEntry.objects.filter(action="person.read", person_id=chloe.pk).exists()


def test_roster_adds_by_nir_and_birth_name_and_removes(client, employer, staff, training, day):
    newcomer = PersonFactory(first_names="Nina", birth_name="Noël")
    training(newcomer, valid_until=day + D(30), title="SST Nina")
    PreventionConsent.objects.create(person=newcomer, employer=employer, scope="all")
    client.force_login(employer.member)
    nir = newcomer.reveal_nir()
    response = client.post(url(employer, "liste/"), {"nir": nir, "birth_name": "Martin"})
    assert response.status_code == 400
    assert "Le nom de naissance ne correspond pas" in response.content.decode()
    assert nir not in response.content.decode()
    response = client.post(url(employer, "liste/"), {"nir": "123", "birth_name": "Noël"})
    assert response.status_code == 400
    assert (
        client.post(url(employer, "liste/"), {"nir": nir, "birth_name": "noel"}).status_code == 302
    )
    page = client.get(url(employer)).content.decode()
    assert "SST Nina" in page and nir not in page and nir[:13] not in page
    # Removing a DSN employee hides them; restoring brings them back.
    alice = staff[0]
    client.post(url(employer, f"salaries/{alice.public_id}/"), {"action": "retirer"})
    assert "SST Alice" not in client.get(url(employer)).content.decode()
    entry = RosterEntry.objects.get(person=alice)
    client.post(url(employer, "liste/"), {"action": "retablir", "entree": str(entry.public_id)})
    assert "SST Alice" in client.get(url(employer)).content.decode()


def test_another_organisation_cannot_touch_this_roster_or_posts(client, employer, staff):
    post = Post.objects.create(employer=employer, name="Soudeur", required_kinds=["SST"])
    entry = RosterEntry.objects.create(employer=employer, person=staff[0], state="removed")
    other = OrganisationFactory()
    Membership.objects.create(user=(outsider := UserFactory()), organisation=other, role="admin")
    client.force_login(outsider)
    assert (
        client.post(
            url(other, "postes/"), {"action": "supprimer", "poste": str(post.public_id)}
        ).status_code
        == 404
    )
    assert (
        client.post(
            url(other, "liste/"), {"action": "retablir", "entree": str(entry.public_id)}
        ).status_code
        == 404
    )
    assert (
        client.post(
            url(other, f"salaries/{staff[0].public_id}/"), {"action": "retirer"}
        ).status_code
        == 404
    )
    assert (
        Post.objects.filter(pk=post.pk).exists()
        and RosterEntry.objects.filter(pk=entry.pk).exists()
    )


def _populate(employer, count, make_employee, training, day):
    post = Post.objects.get_or_create(
        employer=employer, name="Atelier", defaults={"required_kinds": ["SST", "AIPR"]}
    )[0]
    for index in range(count):
        person = make_employee(("all", "part", "none")[index % 3], email=False)
        training(person, valid_until=day + D(10 + index))
        PostAssignment.objects.create(post=post, person=person)


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params or {})
        assert response.status_code == 200
        if response.streaming:
            body(response)
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_employees(
    client, employer, make_employee, training, day, django_assert_max_num_queries
):
    client.force_login(employer.member)
    views = [(url(employer), None), (url(employer), {"etat": "missing", "famille": "environment"})]
    views += [(url(employer, "export.xlsx"), None), (url(employer, "export.csv"), None)]
    counts = {}
    for size in (10, 200):
        _populate(employer, size - (10 if counts else 0), make_employee, training, day)
        client.get(url(employer))  # the first journaled read creates the journal's head
        counts[size] = [_queries(client, path, params) for path, params in views]
    assert counts[10] == counts[200], counts
    with django_assert_max_num_queries(17):
        client.get(url(employer))


def test_a_lineage_chosen_by_someone_else_opens_nothing(client, employer, staff, training, day):
    """Consent "part" is read per person: a holder's list naming another holder's
    training does not show that training."""
    _alice, bruno, _chloe = staff
    dora = PersonFactory(first_names="Dora", birth_name="Dupuis")
    secret = training(dora, valid_until=day + D(50), title="SST secret Dora")
    PreventionConsent.objects.create(person=dora, employer=employer, scope="part", lineages=[])
    RosterEntry.objects.create(employer=employer, person=dora, state="added")
    consent = PreventionConsent.objects.get(person=bruno)
    consent.lineages = [*consent.lineages, str(secret.lineage)]
    consent.save()
    client.force_login(employer.member)
    page = client.get(url(employer)).content.decode()
    assert "Dora" in page and "SST secret Dora" not in page
    assert "SST secret Dora" not in body(client.get(url(employer, "export.csv"))).decode()


def test_pages_follow_a_stable_order_and_cover_everyone_once(
    client, employer, make_employee, training, day
):
    people = [
        make_employee("all", first_names=f"P{index:02d}", birth_name="Même", email=False)
        for index in range(55)
    ]
    client.force_login(employer.member)
    seen = []
    for number in (1, 2):
        response = client.get(url(employer), {"page": number})
        seen += [row.person.pk for row in response.context["rows"]]
    assert response.context["page"].paginator.count == 55
    assert seen == [person.pk for person in people]  # same name: first names, then key
