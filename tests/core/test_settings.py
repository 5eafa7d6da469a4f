import importlib
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from passeport.core.checks import secrets_configured
from passeport.people.crypto import decrypt_nir, encrypt_nir, nir_lookup_hash, rotate_nir


def test_missing_secrets_stop_the_service(settings):
    settings.SECRET_KEY = ""
    settings.NIR_LOOKUP_KEY = ""
    settings.NIR_ENCRYPTION_KEYS = ["pas-une-cle"]
    ids = {error.id for error in secrets_configured(None)}
    assert ids == {"core.E001", "core.E002", "core.E004"}


def test_configured_secrets_pass():
    assert secrets_configured(None) == []


def test_nir_key_rotation(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIR_ENCRYPTION_KEYS = [old]
    token = encrypt_nir("284127510703147")
    settings.NIR_ENCRYPTION_KEYS = [new, old]  # new key first: encrypts; old still decrypts
    assert decrypt_nir(token) == "284127510703147"
    rotated = rotate_nir(token)
    settings.NIR_ENCRYPTION_KEYS = [new]
    assert decrypt_nir(rotated) == "284127510703147"


def test_lookup_hash_depends_on_the_secret(settings):
    first = nir_lookup_hash("2841275107031")
    settings.NIR_LOOKUP_KEY = "un-autre-secret"
    assert nir_lookup_hash("2841275107031") != first
    assert len(first) == 64 and "2841275107031" not in first


def test_database_url_selects_the_database(monkeypatch):
    base = importlib.import_module("config.settings.base")
    sqlite = base.database_from_url("sqlite:////tmp/x.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    postgres = base.database_from_url("postgres://u@127.0.0.1:5432/passeport")
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert postgres["NAME"] == "passeport" and postgres["CONN_MAX_AGE"] == 600


def _check_with(module, tmp_path):
    """`manage.py check` in a fresh process with none of our variables set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NIR_", "DATABASE_URL"))
    }
    env.update(DJANGO_SETTINGS_MODULE=module, PASSEPORT_VAR_DIR=str(tmp_path))
    code = (
        "import django; django.setup(); "
        "from django.core.management import call_command; call_command('check')"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("module", ["config.settings.dev", "config.settings.test"])
def test_settings_modules_load_without_environment(module, tmp_path):
    result = _check_with(module, tmp_path)
    assert result.returncode == 0, result.stderr


def test_production_settings_refuse_to_start_without_secrets(tmp_path):
    result = _check_with("config.settings.base", tmp_path)
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "core.E003" in result.stderr
