"""E-mails leave through a worker once the transaction commits: nothing goes out for a
change that is rolled back, a slow or failing mail relay never holds a page, and a
failed delivery is tried again."""

from django.db import transaction

from .tasks import deliver_mail


def send_after_commit(messages, label: str) -> None:
    """`messages`: built `EmailMessage`s; `label` names them in the log (never an address)."""
    messages = list(messages)
    if messages:
        # robust: a queue that cannot be reached is logged, it does not undo the change.
        transaction.on_commit(lambda: deliver_mail(messages, label), robust=True)
