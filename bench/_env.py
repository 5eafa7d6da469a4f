"""The environment every measured process runs in: the embedded default's settings
without DEBUG, as in production. With DEBUG, Django keeps the text of the last 9,000
queries (an import's large parameter lists with them: its memory grew with the file) and
times each one."""

import os


def django_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        **extra,
    }
