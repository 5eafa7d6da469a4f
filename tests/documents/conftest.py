from tests.documents.fixtures import holder, holder_client, published  # noqa: F401
