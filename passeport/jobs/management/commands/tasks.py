"""What the workers have to do, are doing and failed to do; retry a failed task or run a
periodic job now.

    manage.py tasks                       # counts, waiting tasks, running, recent failures
    manage.py tasks --retry TASK_ID       # a failed or interrupted task, same arguments
    manage.py tasks --run send_reminders  # a periodic job, now
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from passeport.jobs import recording, services
from passeport.jobs.enums import TaskStatus
from passeport.jobs.models import TaskRun


class Command(BaseCommand):
    help = "État des tâches de fond ; relance d'une tâche en échec ; lancement immédiat."

    def add_arguments(self, parser):
        parser.add_argument("--retry", metavar="ID", help="relancer la tâche d'identifiant ID")
        parser.add_argument("--run", metavar="NOM", help="mettre en file une tâche périodique")
        parser.add_argument("--limit", type=int, default=20)

    def handle(self, *args, retry, run, limit, **options):
        if retry:
            found = TaskRun.objects.filter(task_id=retry).first()
            if found is None:
                raise CommandError(f"Aucune exécution de tâche d'identifiant {retry}.")
            try:
                new_id = services.retry(found)
            except services.RetryRefused as refusal:
                raise CommandError(str(refusal)) from None
            self.stdout.write(f"{found.label} relancée (nouvel identifiant {new_id}).")
            return
        if run:
            names = services.periodic_jobs()
            matches = [name for name in names if name == run or name.endswith(f".{run}")]
            if len(matches) != 1:
                raise CommandError(
                    f"Tâche périodique inconnue : {run}. Connues : "
                    + ", ".join(name.rsplit(".", 1)[-1] for name in names)
                )
            new_id = services.run_now(matches[0])
            self.stdout.write(f"{run} mise en file (identifiant {new_id}).")
            return
        self._report(limit)

    def _report(self, limit):
        recording.mark_dead_runs_interrupted()  # this machine's workers that died
        counts = services.counts()
        self.stdout.write(
            f"En file : {counts['queued']} ; différées : {counts['scheduled']} ; "
            f"en cours : {counts['running']} ; en échec non relancées : {counts['failed']}."
        )
        queued, scheduled = services.waiting(limit)
        for title, tasks in (("En file", queued), ("Différées", scheduled)):
            for task in tasks:
                eta = f" (prévue {timezone.localtime(task.eta):%d/%m/%Y %H:%M})" if task.eta else ""
                self.stdout.write(f"{title} : {task.label}{tuple(task.args)}{eta} {task.task_id}")
        for status in (TaskStatus.RUNNING, TaskStatus.FAILED, TaskStatus.INTERRUPTED):
            runs = TaskRun.objects.filter(status=status, retried_as="").order_by("-started_at")
            for found in runs[:limit]:
                started = timezone.localtime(found.started_at) if found.started_at else None
                when = f"{started:%d/%m/%Y %H:%M:%S}" if started else "?"
                line = f"{found.get_status_display()} : {found.label}{tuple(found.args)} "
                self.stdout.write(f"{line}depuis {when} ({found.worker}) {found.task_id}")
                if found.error:
                    self.stdout.write("    " + found.error.strip().splitlines()[-1][:200])
