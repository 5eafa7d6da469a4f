"""Step 1: the timeline — newest first, guaranteed or declared with their source,
filters, pagination, htmx fragment, a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from passeport.records.models import EmploymentPeriod
from tests.factories import OrganisationFactory
from tests.www.holder.passports import passport

pytestmark = pytest.mark.django_db
URL = "/mon-espace/"


def titles(response):
    return [entry.title for entry in response.context["entries"]]


def test_every_kind_shows_newest_first_with_its_badge_and_source(holder_client, entries):
    response = holder_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    # Within one year: declared item (Oct), engagement (Sept), certification (July),
    # employment (Jan–June), training (March)... sorted by start date, newest first.
    assert titles(response) == [
        "Espagnol 0",
        "Sapeur-pompier volontaire",
        "Licence professionnelle métiers de l'électricité 0",
        "Anglais professionnel 0",
        "Sauveteur secouriste du travail 0",
        "Boulangère 0",
    ]
    assert "Déclaration sociale nominative de votre employeur Boulangerie Dupain" in html
    assert "Certificateur Université de Lille" in html
    assert "Organisme de formation Formapro" in html
    assert "Mon Compte Formation, organisme de formation Formapro" in html
    assert "Compte d&#x27;engagement citoyen" in html
    assert html.count('fr-badge--success">Donnée garantie') == 5
    assert html.count('fr-badge--info">Donnée déclarée') == 1
    assert "Contrat de travail à durée indéterminée de droit privé" in html
    assert "Niveau 6" in html and "1 bloc" in html
    assert re.search(r"(Valide jusqu&#x27;au|Expire bientôt : le) \d\d/\d\d/\d{4}", html)


def test_the_holders_own_entries_only(holder_client, entries, other_holder):
    passport(other_holder.person, employer=OrganisationFactory(name="Zinguerie Tartempion"))
    response = holder_client.get(URL, {"person": str(other_holder.person.public_id)})
    assert len(titles(response)) == 6
    assert "Tartempion" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "emploi"}, ["Boulangère 0"]),
        ({"kind": ["emploi", "declaration"]}, ["Espagnol 0", "Boulangère 0"]),
        ({"assurance": "declared"}, ["Espagnol 0"]),
        ({"q": "electricite"}, ["Licence professionnelle métiers de l'électricité 0"]),
        ({"q": "dupain BOULANGÈRE"}, ["Boulangère 0"]),
        ({"q": "rien de tel"}, []),
    ],
)
def test_filters(holder_client, entries, params, expected):
    assert titles(holder_client.get(URL, params)) == expected


def test_period_filter_keeps_entries_overlapping_the_years(holder_client, holder):
    passport(holder.person, years=3)
    response = holder_client.get(URL, {"kind": "emploi", "year_from": 2000, "year_to": 2100})
    assert len(titles(response)) == 3
    year = EmploymentPeriod.objects.filter(person=holder.person).order_by("start_date").first()
    first = year.start_date.year
    response = holder_client.get(URL, {"kind": "emploi", "year_from": first, "year_to": first})
    assert titles(response) == [year.job_title]


def test_invalid_filters_show_an_error_and_everything(holder_client, entries):
    response = holder_client.get(URL, {"year_from": 2020, "year_to": 2010})
    assert "L&#x27;année de fin suit l&#x27;année de début." in response.content.decode()
    assert len(titles(response)) == 6


def test_pagination_keeps_the_filters(holder_client, holder):
    passport(holder.person, years=8)  # 48 entries
    response = holder_client.get(URL)
    page = response.context["page"]
    assert page.paginator.num_pages == 3 and len(page) == 20
    assert "48 entrées, page 1 sur 3." in response.content.decode()
    response = holder_client.get(URL, {"kind": "emploi", "page": 1})
    assert response.context["page"].paginator.num_pages == 1
    response = holder_client.get(URL, {"assurance": "guaranteed"})
    assert "page=2&amp;assurance=guaranteed" in response.content.decode()
    response = holder_client.get(URL, {"assurance": "guaranteed", "page": 2})
    assert len(response.context["page"]) == 20


def test_htmx_gets_the_list_fragment_and_the_status(holder_client, entries):
    response = holder_client.get(URL, {"kind": "emploi"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="timeline-status" hx-swap-oob="innerHTML"' in html
    assert "1 entrée correspondant à vos filtres." in html
    assert "Boulangère 0" in html and "Espagnol" not in html
    # The full page has the form that swaps the list, and a live region for the count.
    page = holder_client.get(URL).content.decode()
    assert 'hx-target="#timeline-list"' in page
    assert re.search(r'aria-live="polite"><span id="timeline-status">', page)
    # A history restore gets the whole page.
    restore = holder_client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_empty_passport(holder_client):
    html = holder_client.get(URL).content.decode()
    assert "Votre passeport est vide" in html


@pytest.mark.parametrize("years", [1, 84])  # 6 and 504 entries
def test_a_fixed_number_of_queries(holder_client, holder, years, django_assert_max_num_queries):
    passport(holder.person, years=years)
    # session, user, person, 6 kinds (one each, declarants joined), savepoint and release,
    # the unread reminders badge of the navigation (followup), the « Mes droits » block (cpf),
    # the portal's menu (cached: read here from an empty cache)
    with django_assert_max_num_queries(13):
        response = holder_client.get(URL)
    assert response.context["count"] == 6 * years
    with django_assert_max_num_queries(11):
        holder_client.get(URL, {"q": "boulangere", "page": 2}, headers={"HX-Request": "true"})


def test_the_nir_never_shows(holder_client, holder, entries):
    html = holder_client.get(URL).content.decode()
    nir = holder.person.reveal_nir()
    assert nir not in html and nir[:13] not in html


def test_dashboard_url_name_is_kept():
    assert reverse("holder:dashboard") == URL


def test_only_the_columns_the_cards_show_are_fetched(holder, entries):
    import datetime

    from passeport.records.timeline import timeline

    rows = timeline(holder.person, today=datetime.date.today())
    assert "lineage" not in rows[0].values and "received_at" not in rows[0].values
    record = rows[0].record()
    # Unfetched columns are deferred (a query if read), never a silent default.
    assert {"lineage", "received_at", "created_at"} <= record.get_deferred_fields()
    assert record.public_id == rows[0].values["public_id"]


def test_the_filter_fields_render_once_per_set_of_values(holder_client, entries, settings):
    from passeport.www.holder.forms import TimelineFilterForm

    params = {"q": "boulangère", "kind": ["emploi", "diplome"], "year_from": "2001"}
    cached = holder_client.get(URL, params).context["filter_fields"]
    assert 'value="boulangère"' in cached["q"] and 'value="2001"' in cached["year_from"]
    assert cached["kind"].count("checked") == 2
    settings.DEBUG = True  # rendered afresh
    fresh = holder_client.get(URL, params).context["filter_fields"]
    assert fresh == cached
    assert TimelineFilterForm().rendered_fields() == TimelineFilterForm()._render_fields()
    # A form with errors is never kept.
    response = holder_client.get(URL, {"year_from": 2020, "year_to": 2010})
    assert "L&#x27;année de fin suit" in response.context["filter_fields"]["year_to"]
