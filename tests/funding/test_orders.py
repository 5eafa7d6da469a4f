import datetime
from types import SimpleNamespace

import pytest

from passeport.cpf import history, ledger
from passeport.cpf.enums import MovementKind
from passeport.funding import credits, order_files, statements
from passeport.funding.enums import Channel, ConventionStatus, CreditKind, LineStatus, OrderStatus
from passeport.funding.lifecycle import TransitionError, decide_convention
from passeport.funding.models import CreditLine, CreditOrder
from passeport.funding.orders import (
    LineInput,
    OrderError,
    OrderInput,
    check_transfer_reference,
    confirm_payment,
    receive_order,
)
from passeport.journal.actors import Actor
from tests.factories import PersonFactory
from tests.factories_funding import ConventionFactory, FunderFactory, transfer_reference

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def training(cert="RNCP12345", rome=(), formacodes=(), siret="11111111111111"):
    return SimpleNamespace(
        certification_code=cert, rome_codes=rome, formacodes=formacodes, provider_siret=siret
    )


@pytest.fixture
def funder():
    return ConventionFactory().funder


def order_input(funder, lines, **kwargs):
    values = {
        "external_id": "CMD-1",
        "kind": CreditKind.VOLUNTARY,
        "transfer_reference": transfer_reference(funder),
        "lines": lines,
    }
    values.update(kwargs)
    return OrderInput(**values)


def line(number, person, amount="150000", name=None):
    return LineInput(number, person.reveal_nir(), name or person.birth_name, amount)


def test_transfer_reference_format(funder):
    assert check_transfer_reference(f"cpf-{funder.siren}-bafo-011226", funder).startswith("CPF-")
    for wrong in (
        f"CPF-{funder.siren}-BAAF-011226",  # not consonant-vowel-consonant-vowel
        f"CPF-{funder.siren}-BAFO-311126",  # 31 November
        "CPF-123456789-BAFO-011226",  # another SIREN (and a wrong key)
        f"CPF-{funder.siren}-BAFO-0112٢6",  # non-ASCII digit
    ):
        with pytest.raises(OrderError):
            check_transfer_reference(wrong, funder)


def test_no_order_without_an_approved_convention():
    convention = ConventionFactory(status=ConventionStatus.SUBMITTED)
    person = PersonFactory()
    with pytest.raises(OrderError, match="convention"):
        receive_order(
            convention.funder,
            order_input(convention.funder, [line(2, person)]),
            channel=Channel.API,
            actor=ACTOR,
        )
    decide_convention(convention, ConventionStatus.APPROVED, actor=ACTOR)
    result = receive_order(
        convention.funder,
        order_input(convention.funder, [line(2, person)]),
        channel=Channel.API,
        actor=ACTOR,
    )
    assert result.created and result.accepted == 1
    with pytest.raises(TransitionError):
        decide_convention(convention, ConventionStatus.REFUSED, actor=ACTOR, note="non")
    assert [t.to_status for t in convention.transitions.all()] == ["approved"]


def test_lines_matched_never_guessed_and_idempotent(funder):
    alice, bob, carol = PersonFactory(), PersonFactory(), PersonFactory()
    lines = [
        line(2, alice),
        line(3, bob, name="Autrenom"),
        line(4, carol, amount="12,5"),
        LineInput(5, "1850775123456", "Inconnu", "1000"),
        line(6, alice),
    ]
    result = receive_order(funder, order_input(funder, lines), channel=Channel.FILE, actor=ACTOR)
    assert result.accepted == 1
    assert [(r.number, r.field) for r in result.rejected] == [
        (3, "nom de naissance"),
        (4, "montant"),
        (5, "NIR"),
        (6, "NIR"),
    ]
    assert all(r.message for r in result.rejected)
    again = receive_order(funder, order_input(funder, lines), channel=Channel.FILE, actor=ACTOR)
    assert not again.created and again.order == result.order
    assert CreditLine.objects.count() == 1
    corrected = order_files.corrected_file(result.rejected).decode()
    assert corrected.splitlines()[0] == "nir;nom_naissance;montant_centimes;erreur"
    assert "Ligne 3, nom de naissance" in corrected


def test_corrective_kind_is_3000_euros(funder):
    person = PersonFactory()
    result = receive_order(
        funder,
        order_input(funder, [line(2, person, amount="100000")], kind=CreditKind.CORRECTIVE),
        channel=Channel.WEB,
        actor=ACTOR,
    )
    assert result.order is None and "3\u202f000" in result.rejected[0].message


def test_credited_once_on_payment_through_the_ledger(funder):
    person = PersonFactory()
    order = receive_order(
        funder,
        order_input(funder, [line(2, person, amount="300000")], kind=CreditKind.CORRECTIVE),
        channel=Channel.WEB,
        actor=ACTOR,
    ).order
    assert ledger.account_of(person) is None  # nothing before the transfer
    assert confirm_payment(order, actor=ACTOR) == 1
    assert confirm_payment(order, actor=ACTOR) == 0
    account = ledger.account_of(person)
    assert ledger.balances(account).funder == 300_000
    movement = account.movements.get()
    assert movement.kind == MovementKind.FUNDER_CREDIT and movement.declarant == funder
    assert ledger.verify_account(account) == []
    order.refresh_from_db()
    assert order.status == OrderStatus.CREDITED
    assert [t.to_status for t in order.transitions.all()] == ["awaiting_payment", "credited"]


def test_restricted_credit_pays_only_eligible_trainings_then_returns(funder):
    person = PersonFactory()
    free = receive_order(
        funder,
        order_input(funder, [line(2, person, amount="50000")], external_id="A"),
        channel=Channel.API,
        actor=ACTOR,
    ).order
    restricted = receive_order(
        funder,
        order_input(
            funder,
            [line(2, person, amount="100000")],
            external_id="B",
            ends_on=datetime.date(2026, 12, 31),
            restrictions={"certification": ["RNCP12345"], "provider": ["11111111111111"]},
        ),
        channel=Channel.API,
        actor=ACTOR,
    ).order
    confirm_payment(free, actor=ACTOR)
    confirm_payment(restricted, actor=ACTOR)
    day = datetime.date(2026, 6, 1)
    assert credits.usable_funder_cents(person, training(), day) == 150_000
    assert credits.usable_funder_cents(person, training(cert="RS1234"), day) == 50_000
    assert credits.usable_funder_cents(person, training(siret="2" * 14), day) == 50_000
    later = datetime.date(2027, 1, 1)
    assert credits.usable_funder_cents(person, training(), later) == 50_000
    # The holder spends 30,000 cents of funder credits, then the date passes.
    account = ledger.account_of(person)
    ledger.reserve(account, 30_000, reference="F1", actor=ACTOR)
    ledger.debit(account, reference="F1", actor=ACTOR)
    # What was spent counts against the credit that ends (in favour of the holder).
    assert credits.return_unused_credits(later, actor=ACTOR) == (1, 70_000)
    assert credits.return_unused_credits(later, actor=ACTOR) == (0, 0)
    balances = ledger.balances(account)
    assert balances.funder == 50_000
    assert ledger.verify_account(account) == []
    lines = history.rights_of(person, later).lines
    assert any(line.title == "Abondement non utilisé rendu au financeur" for line in lines)
    returned = CreditLine.objects.get(order=restricted)
    assert returned.status == LineStatus.RETURNED and returned.returned_cents == 70_000


def test_file_import_and_bank_statement(funder):
    person, other = PersonFactory(), PersonFactory()
    raw = (
        "nir;nom_naissance;montant_centimes\n"
        f"{person.reveal_nir()};{person.birth_name};300000\n"
        f"{other.reveal_nir()};{other.birth_name};trois mille\n"
    ).encode()
    lines, shape = order_files.read_lines(raw, "commande.csv")
    assert shape == []
    result = receive_order(
        funder,
        order_input(funder, lines, external_id="F-1", kind=CreditKind.CORRECTIVE),
        channel=Channel.FILE,
        actor=ACTOR,
    )
    assert result.accepted == 1 and result.rejected[0].number == 3
    statement = (
        "date;libelle;montant\n"
        f"02/12/2026;VIR {result.order.transfer_reference};2999,00\n"
        "02/12/2026;VIR SANS LIBELLE;10,00\n"
        f"03/12/2026;VIR {result.order.transfer_reference};3000,00\n"
    ).encode()
    report = statements.import_statement(statement, "releve.csv", actor=ACTOR)
    assert report.confirmed == ["F-1"]
    assert [p.split(",")[0].split(" :")[0] for p in report.problems] == ["Ligne 2", "Ligne 3"]
    assert ledger.balances(ledger.account_of(person)).funder == 300_000
    again = statements.import_statement(statement, "releve.csv", actor=ACTOR)
    assert again.confirmed == [] and ledger.balances(ledger.account_of(person)).funder == 300_000


def test_file_refusals_in_french():
    from passeport.prevention.import_limits import FileRejected

    with pytest.raises(FileRejected, match="première ligne"):
        order_files.read_lines(b"a;b;c\n1;2;3\n", "x.csv")
    with pytest.raises(FileRejected, match="UTF-8"):
        order_files.read_lines(b"nir;nom_naissance;montant_centimes\n\xff\n", "x.csv")
    with pytest.raises(FileRejected, match="limite"):
        order_files.read_lines(b"x" * (order_files.MAX_BYTES + 1), "x.csv")
    lines, shape = order_files.read_lines(
        b"nir;nom_naissance;montant_centimes\n" + b"1" * 2000 + b"\n", "x.csv"
    )
    assert lines == [] and shape[0].number == 2


def test_xlsx_lines(funder):
    import io

    from openpyxl import Workbook

    person = PersonFactory()
    book = Workbook()
    sheet = book.active
    sheet.append(list(order_files.LINE_COLUMNS))
    sheet.append([person.reveal_nir(), person.birth_name, 300000])
    buffer = io.BytesIO()
    book.save(buffer)
    lines, shape = order_files.read_lines(buffer.getvalue(), "commande.xlsx")
    assert shape == [] and [(x.number, x.amount) for x in lines] == [(2, "300000")]


def test_order_is_scoped_to_its_funder(funder):
    other = FunderFactory()
    ConventionFactory(funder=other)
    person = PersonFactory()
    for who in (funder, other):
        receive_order(who, order_input(who, [line(2, person)]), channel=Channel.API, actor=ACTOR)
    assert CreditOrder.objects.filter(external_id="CMD-1").count() == 2


def test_large_orders_are_credited_by_a_worker_and_resumed(
    funder, django_capture_on_commit_callbacks
):
    from passeport.funding.orders import resume_crediting

    persons = [PersonFactory() for _ in range(3)]
    order = receive_order(
        funder,
        order_input(funder, [line(i + 2, p) for i, p in enumerate(persons)]),
        channel=Channel.API,
        actor=ACTOR,
    ).order
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm_payment(order, actor=ACTOR, now=False) == 0
    assert all(ledger.balances(ledger.account_of(p)).funder == 150_000 for p in persons)
    # A worker stopped half-way: what is pending is taken up, nothing twice.
    CreditLine.objects.filter(order=order, number=4).update(status=LineStatus.PENDING)
    assert resume_crediting(actor=ACTOR) == 1
    assert resume_crediting(actor=ACTOR) == 0
    assert ledger.balances(ledger.account_of(persons[2])).funder == 300_000
