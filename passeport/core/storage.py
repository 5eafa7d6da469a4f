"""Private file storages: where received files, accusés and issued PDFs are kept, never
a public media folder."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages


def private_storage(name: str):
    """The storage for `name`: a `STORAGES[name]` entry wins; a plain file-system default
    storage becomes the private folder `VAR_DIR / name`; any other default (in-memory in
    tests, an object store in production) is used as is."""
    if name in settings.STORAGES:
        return storages[name]
    backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if backend == "django.core.files.storage.FileSystemStorage":
        return FileSystemStorage(location=settings.VAR_DIR / name)
    return default_storage
