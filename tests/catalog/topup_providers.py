"""Funders' top-up providers for the tests: real classes honouring the plug-in contract of
passport.catalog.topups (imported by dotted path from CATALOG_TOPUP_PROVIDERS)."""

from passeport.catalog.topups import TopUp


class RegionTopUp:
    """A région paying up to 800 € of trainings given in its region (84), within an
    envelope; what it committed per file is kept so that release and settle can be seen."""

    envelope = 0
    committed: dict = {}
    settled: dict = {}
    funder_cap = None

    def funder_credit_cents(self, ctx):
        return ctx.rights_cents if self.funder_cap is None else self.funder_cap

    def _offer(self, ctx):
        if ctx.region_code != "84":
            return []
        return [
            TopUp("Région Auvergne-Rhône-Alpes", min(80_000, type(self).envelope), False, "ARA-1")
        ]

    def evaluate(self, ctx):
        return [t for t in self._offer(ctx) if t.amount_cents]

    def commit(self, ctx, file_reference):
        granted = self.evaluate(ctx)
        for topup in granted:
            type(self).envelope -= topup.amount_cents
        type(self).committed[file_reference] = sum(t.amount_cents for t in granted)
        return granted

    def release(self, file_reference):
        type(self).envelope += type(self).committed.pop(file_reference, 0)

    def settle(self, file_reference, numerator, denominator):
        type(self).settled[file_reference] = (numerator, denominator)


class EmployerTopUp(RegionTopUp):
    def _offer(self, ctx):
        return [TopUp("Employeur", 50_000, True, "EMP-1")]
