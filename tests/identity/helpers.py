"""Helpers of the identity tests: a requests-based browser, persons for test identities."""

import re

import requests

from passeport.demo.franceconnect import read_identities
from tests.factories import PersonFactory


def _field(html, name):
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    return match.group(1) if match else None


class Browser:
    def __init__(self, base_url):
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path, **kwargs):
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        return self.session.get(url, timeout=30, **kwargs)

    def post_form(self, response, data):
        """Submits the page's form (with its CSRF token) to the page's own URL."""
        data = {"csrfmiddlewaretoken": _field(response.text, "csrfmiddlewaretoken"), **data}
        return self.session.post(
            response.url, data=data, headers={"Referer": response.url}, timeout=30
        )

    def login(self, provider, account, scenario="", accept_terms=True):
        """Login button → provider page → pick `account` (a key, or a label fragment)."""
        page = self.get(f"/identity/connexion/{provider}/")
        assert page.status_code == 200, page.text[:500]
        assert "/dev-idp/" in page.url
        options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)', page.text)
        key = next(value for value, label in options if account in (value, *[label]))
        response = self.post_form(page, {"account": key, "scenario": scenario})
        if accept_terms and "/identity/conditions-d-utilisation/" in response.url:
            response = self.post_form(response, {"accept": "on"})
        return response

    def logout(self):
        page = self.get("/")
        return self.session.post(
            f"{self.base_url}/identity/deconnexion/",
            data={"csrfmiddlewaretoken": _field(page.text, "csrfmiddlewaretoken")},
            headers={"Referer": page.url},
            timeout=30,
        )


def person_for(identity, **overrides):
    """The person a FranceConnect test identity should match."""
    date = identity.birth_date
    values = {
        "birth_name": identity.birth_name,
        "first_names": identity.first_names,
        "sex": identity.sex,
        "birth_year": date.year,
        "birth_month": date.month,
        "birth_day": date.day,
        "birth_commune_code": identity.birthplace,
        "birth_country_code": identity.birthcountry,
        "cpf_activated_at": None,
        **overrides,
    }
    return PersonFactory(**values)


def angela_identity():
    """FranceConnect's test identity « test » (DUBOIS Angela, born 1962 in Paris 7e)."""
    return next(i for i in read_identities() if i.identifier == "test")


def account_key(identity):
    return f"fc:{identity.identifier}:{identity.birthdate}:{identity.birth_name}"
