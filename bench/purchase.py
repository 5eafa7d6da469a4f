"""Plan of funding + acceptance under concurrency: `BENCH_PURCHASE_HOLDERS` holders
(default 80), each with five validated training files (one per session) and rights for
three of them; `BENCH_PURCHASE_WORKERS` processes (default 8) accept every file at once,
the files of one holder spread over different processes, so that holders race with
themselves. Reported: files accepted per second (from the first acceptance to the last,
the processes' start-up left out), how many were refused, and the checks that matter —
no account overdrawn, every running balance replayable (`ledger.verify_account`), one
reservation per accepted file and the amounts reserved equal to the accepted plans' (no
movement lost).
Next to it, in the same run, the same acceptances one process alone."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env, own_database

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 5
PRICE = 100_000  # cents
CONTRIBUTION = 10_320  # the holder's flat participation, paid by card (2026)
COVERED = 3  # files each holder's rights cover


def run(url, manage, options):
    holders = int(os.environ.get("BENCH_PURCHASE_HOLDERS", 80))
    workers = int(os.environ.get("BENCH_PURCHASE_WORKERS", 8))
    results = {}
    for label, processes in (("alone", 1), ("concurrent", workers)):
        own = own_database(url, f"purchase_{label}")
        manage(own, "migrate", "--noinput")
        env = django_env(own)
        _child(env, "setup", str(holders))
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.purchase", "work", str(i), str(processes)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for i in range(processes)
        ]
        counts = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
        # From the first acceptance to the last (the processes' start-up left out).
        seconds = max(c["ended"] for c in counts) - min(c["began"] for c in counts)
        accepted = sum(c["accepted"] for c in counts)
        checks = _child(env, "verify")
        results[label] = {
            "processes": processes,
            "files": accepted + sum(c["refused"] for c in counts),
            "accepted": accepted,
            "refused": sum(c["refused"] for c in counts),
            "errors": sum(c["errors"] for c in counts),
            "seconds": seconds,
            "per_second": accepted / seconds if seconds else 0,
            **checks,
        }
    for figures in results.values():
        print(
            f"acceptations ({figures['processes']} processus) : {figures['accepted']} acceptées, "
            f"{figures['refused']} refusées (droits épuisés), {figures['errors']} erreurs, en "
            f"{figures['seconds']:.1f} s — {figures['per_second']:.0f} dossiers/s ; comptes à "
            f"découvert : {figures['overdrawn']}, comptes incohérents : {figures['broken']}, "
            f"réservations : {figures['reservations']} pour {figures['accepted_files']} "
            f"dossiers acceptés, montants réservés "
            f"{'égaux' if figures['reserved_matches'] else 'DIFFÉRENTS'} aux plans acceptés"
        )
    return results


def _child(env, *args) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "bench.purchase", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- Child processes ----------------------------------------------------------------------


def setup(holders: int) -> dict:
    import datetime

    from django.utils import timezone

    from passeport.catalog import files, offers
    from passeport.catalog.enums import Modality
    from passeport.catalog.workdays import add_working_days
    from passeport.cpf import ledger
    from passeport.cpf.enums import MovementKind, MovementSource, Part
    from passeport.journal.actors import Actor, ActorKind
    from passeport.organisations.models import Organisation
    from passeport.organisations.siret import make_siren, make_siret
    from passeport.people.models import Person
    from passeport.people.nir import make_nir

    today = timezone.localdate()
    system = Actor.system("bench")
    pro = Actor(ActorKind.PROFESSIONAL, "bench", "Banc d'essai")
    provider = Organisation.objects.create(
        siret=make_siret(make_siren("41234568"), "0001"),
        name="Organisme du banc d'essai",
        is_training_provider=True,
        nda_number="11755555576",
        qualiopi_valid_until=datetime.date(2099, 1, 1),
    )
    training = offers.save_training(
        provider, offers.TrainingData(provider_ref="B", title="Banc", objectives="Banc d'essai.")
    )
    action = offers.save_action(
        training,
        offers.ActionData(provider_ref="A", price_cents=PRICE, hours=35, modality=Modality.REMOTE),
    )
    start = add_working_days(today, 30)
    sessions = [
        offers.save_session(
            action,
            offers.SessionData(
                provider_ref=f"S{n}",
                start_date=start,
                end_date=start + datetime.timedelta(days=30),
            ),
        )
        for n in range(SESSIONS)
    ]
    for n in range(holders):
        person = Person(
            birth_name=f"ACHAT{n}", first_names="Essai", sex="M", birth_year=1985,
            birth_month=3, birth_day=1, birth_commune_code="69123", birth_country_code="99100",
        )  # fmt: skip
        person.set_nir(make_nir("M", 1985, 3, "69123", n + 1))
        person.save()
        account = ledger.open_account(person, actor=system)
        ledger.credit(
            account, Part.RIGHTS, COVERED * (PRICE - CONTRIBUTION),
            kind=MovementKind.ADJUSTMENT, source_kind=MovementSource.DSN, actor=system, year=2025,
        )  # fmt: skip
        holder = Actor(ActorKind.HOLDER, str(person.public_id), "Titulaire")
        for session in sessions:
            file = files.apply(person, session, actor=holder, today=today)
            files.validate(
                file, actor=pro, today=today, price_cents=PRICE, start_date=start,
                end_date=start + datetime.timedelta(days=30), hours=35,
            )  # fmt: skip
    return {"holders": holders, "files": holders * SESSIONS}


def work(index: int, processes: int) -> dict:
    from django.db import OperationalError
    from django.utils import timezone

    from passeport.catalog import files
    from passeport.catalog.enums import FileState
    from passeport.catalog.models import TrainingFile
    from passeport.journal.actors import Actor, ActorKind

    today = timezone.localdate()
    # Ordered by holder then session: taking every n-th file spreads a holder's files
    # over the processes.
    ids = list(
        TrainingFile.objects.filter(state=FileState.VALIDATED)
        .order_by("person_id", "pk")
        .values_list("pk", "person__public_id")
    )[index::processes]
    counts = {"accepted": 0, "refused": 0, "errors": 0, "began": time.time()}
    for pk, public_id in ids:
        actor = Actor(ActorKind.HOLDER, str(public_id), "Titulaire")
        for _attempt in range(20):
            try:
                files.accept(TrainingFile(pk=pk), actor=actor, today=today, paid_cents=CONTRIBUTION)
                counts["accepted"] += 1
            except files.FileError:
                counts["refused"] += 1  # the rights no longer cover it: the plan changed
            except OperationalError:  # SQLite's busy writer: the holder clicks again
                time.sleep(0.05)
                continue
            except Exception:
                counts["errors"] += 1
            break
    counts["ended"] = time.time()
    return counts


def verify() -> dict:
    from django.db.models import Sum

    from passeport.catalog.enums import FileState
    from passeport.catalog.models import TrainingFile
    from passeport.cpf import ledger
    from passeport.cpf.enums import MovementKind
    from passeport.cpf.models import CpfAccount, Movement

    overdrawn = broken = 0
    for account in CpfAccount.objects.all():
        balances = ledger.balances(account)
        overdrawn += balances.available < 0
        broken += bool(ledger.verify_account(account))
    accepted = TrainingFile.objects.filter(state=FileState.ACCEPTED)
    reserved = Movement.objects.filter(kind=MovementKind.RESERVATION)
    expected = accepted.aggregate(total=Sum("rights_cents"))["total"] or 0
    return {
        "overdrawn": overdrawn,
        "broken": broken,
        "accepted_files": accepted.count(),
        "reservations": reserved.values("reference").distinct().count(),
        "reserved_matches": (reserved.aggregate(total=Sum("reserved_change"))["total"] or 0)
        == expected,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "setup":
        print(json.dumps(setup(int(args[0]))))
    elif command == "work":
        print(json.dumps(work(int(args[0]), int(args[1]))))
    else:
        print(json.dumps(verify()))
