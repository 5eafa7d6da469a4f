"""The guardrail that fails a test rendering an internal code to a person."""

from passeport.core.testing import internal_codes


def tokens(html, path="/passeport/"):
    return [token for _, token, _ in internal_codes(path, html)]


def test_enum_values_and_claim_names_are_found():
    html = (
        "<html><body><p>Formation AMIANTE_SS4</p><dl><dt>achievement_title</dt>"
        "<dd>SST</dd></dl><p>learning_outcomes : H2909</p></body></html>"
    )
    assert tokens(html) == ["AMIANTE_SS4", "achievement_title", "learning_outcomes"]


def test_real_codes_scripts_addresses_and_samples_are_not():
    html = (
        "<html><head><style>.fr_x{}</style></head><body><p>RNCP35185, RS6117, H2909, "
        '42866, 344t</p><script>const SOME_CONSTANT = 1;</script><pre>{"date_of_expiry": '
        "1}</pre><code>valid_from</code><a href='/a_b/'>lien</a><p>mon_fichier.csv, "
        "https://exemple.fr/x_y, prenom_nom@exemple.fr</p><input name='valid_until'>"
        "</body></html>"
    )
    assert tokens(html) == []


def test_official_columns_and_the_admin_are_allowed():
    assert tokens("<p>Colonne DATE_FIN_VALIDITE : date invalide</p>") == []
    assert tokens("<p>STATUS_CODE</p>", path="/admin/jobs/") == []
    assert tokens("<p>STATUS_CODE</p>") == ["STATUS_CODE"]
