"""Documents' background work: rendering and sealing a requested PDF, and taking up the
renderings a stopped worker left unfinished."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


# No automatic retry: a failure says so on the document's page (the holder asks again),
# and a rendering cut short is started again by `resume_renderings` or when its page is
# read.
@db_task()
def render_document(pk: int) -> None:
    from .services import render_document_pk  # it enqueues this task

    render_document_pk(pk)


@db_periodic_task(crontab(minute="*/10"))
def resume_renderings():
    from .services import resume_stale_renderings

    return len(resume_stale_renderings())
