"""Replays every account's movements: each running balance must be the sum of the changes
before it, numbered 1, 2, 3… Prints "intact" or the accounts and movements that are not."""

from django.core.management.base import BaseCommand, CommandError

from passeport.cpf import ledger
from passeport.cpf.models import CpfAccount


class Command(BaseCommand):
    help = "Vérifie que les soldes de chaque compte CPF sont la somme de ses mouvements."

    def handle(self, *args, **options):
        broken = 0
        checked = 0
        for account in CpfAccount.objects.order_by("pk").iterator(chunk_size=2000):
            checked += 1
            for problem in ledger.verify_account(account):
                broken += 1
                self.stdout.write(f"compte {account.public_id} : {problem}")
        if broken:
            raise CommandError(f"{broken} anomalie(s) sur {checked} comptes.")
        self.stdout.write(f"intact ({checked} comptes vérifiés)")
