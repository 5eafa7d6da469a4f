from tests.documents.fixtures import holder, holder_client, published, render_inline  # noqa: F401
