"""Digit-like characters in what a browser posts or asks ("¹" is a digit for
`str.isdigit()` and not for `int()`; "٣" is 3 for both): the page answers as for any
wrong value, never with a server error, and changes nothing."""

import re

import pytest

from passeport.documents import services as documents
from tests.documents.fixtures import *  # noqa: F403 (fixtures: holder, published…)
from tests.factories import OrganisationFactory
from tests.prevention.helpers import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("move", ["¹:up", "²³:down", "٣:up", "1¹:up", ":up", "-1:up", "x:down"])
def test_a_holder_posting_a_digit_like_cv_entry_gets_a_warning_not_an_error(
    client, holder, published, move
):
    cv = documents.save_cv(holder.person, title="CV", summary="", records=published[:3])
    before = list(cv.items.order_by("position").values_list("pk", flat=True))
    client.force_login(holder)

    response = client.post(f"/mon-espace/cv/{cv.public_id}/ordre/", {"move": move}, follow=True)

    assert response.status_code == 200
    assert "Cette entrée ne peut pas aller plus loin." in response.content.decode()
    assert list(cv.items.order_by("position").values_list("pk", flat=True)) == before


@pytest.mark.parametrize("rows", ["¹", "٣", "99999999999999999999", "-4"])
def test_a_digit_like_number_of_trainee_rows_is_a_default(client, rows):
    provider = OrganisationFactory(training_provider=True)
    client.force_login(member(provider))

    response = client.get(
        f"/pro/organisations/{provider.public_id}/prevention/declarations/formulaire/",
        {"stagiaires": rows},
    )

    assert response.status_code == 200
    rows_shown = re.findall(r'name="stagiaires-\d+-nir"', response.content.decode())
    assert 1 <= len(rows_shown) <= 50
