import pytest
from lxml import etree

from passeport.ingest.accrochage import generator, reader
from tests.ingest.accrochage.builders import HANDWRITTEN, flux, national_id, passage

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE flux [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<flux xmlns="urn:cdc:cpf:pc5:schema:1.0.0"><idFlux>&xxe;</idFlux></flux>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE flux [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<flux xmlns="urn:cdc:cpf:pc5:schema:1.0.0"><idFlux>&d;</idFlux></flux>"""


def write(tmp_path, data: bytes):
    path = tmp_path / "flux.xml"
    path.write_bytes(data)
    return str(path)


def test_handwritten_file_is_valid_against_the_official_xsd():
    official = etree.XMLSchema(etree.parse(str(reader.OFFICIAL_SCHEMA)))
    official.assertValid(etree.parse(str(HANDWRITTEN)))


def test_scan_and_read_the_handwritten_file():
    header = reader.scan(str(HANDWRITTEN))
    passages = list(reader.passages(str(HANDWRITTEN)))

    assert header.certifier_id_client == "CERTA001" and header.passage_count == 3
    assert [c.code for c in header.certifications] == ["RNCP34829", "RS5286"]
    assert [p.id_technique for p in passages] == ["PASS-0001", "PASS-0002", "PASS-0003"]
    assert [p.certification for p in passages] == [0, 0, 1]
    holder = passages[1].identification
    assert (holder.birth_month, holder.birth_day, holder.country_code) == (None, None, "243")


def test_1_1_5_additions_are_read_and_the_nir_stays_out_of_repr(tmp_path):
    data = flux(
        (
            "RS",
            "RS5286",
            [passage(action="SUPPRESSION", identification=national_id("1880469123456", "X"))],
        )
    )
    path = write(tmp_path, data)
    (read,) = reader.passages(path)

    assert reader.scan(path).version == "1.1.5"
    assert read.action == "SUPPRESSION"
    assert read.identification.nir == "1880469123456"
    assert "1880469123456" not in repr(read)
    with pytest.raises(etree.DocumentInvalid):  # not valid against the official 1.1.2
        etree.XMLSchema(etree.parse(str(reader.OFFICIAL_SCHEMA))).assertValid(
            etree.fromstring(data)
        )


@pytest.mark.parametrize("data", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_doctype_entities_are_refused(tmp_path, data):
    with pytest.raises(reader.FileRejected, match="DOCTYPE"):
        reader.scan(write(tmp_path, data))


def test_malformed_file_names_the_line(tmp_path):
    data = flux(("RNCP", "RNCP34829", [passage()])).replace(b"</cpf:sexe>", b"</cpf:sex>")
    line = data[: data.index(b"</cpf:sex>")].count(b"\n") + 1

    with pytest.raises(reader.FileRejected) as raised:
        reader.scan(write(tmp_path, data))

    assert raised.value.line == line
    assert "bien formé" in raised.value.message


def test_schema_error_in_a_passage_names_its_line(tmp_path):
    passages = [passage(f"P-{i}") for i in range(50)]
    passages[40] = passage("P-40").replace("<cpf:sexe>F", "<cpf:sexe>X")
    data = flux(("RNCP", "RNCP34829", passages))
    line = data[: data.index(b"<cpf:sexe>X")].count(b"\n") + 1

    with pytest.raises(reader.FileRejected) as raised:
        reader.scan(write(tmp_path, data))

    assert raised.value.line == line
    assert "schéma XSD" in raised.value.message and "sexe" in raised.value.message


def test_truncated_file_is_refused(tmp_path):
    with pytest.raises(reader.FileRejected, match="bien formé"):
        reader.scan(write(tmp_path, HANDWRITTEN.read_bytes()[:4000]))


def test_size_limit():
    with pytest.raises(reader.FileRejected, match="taille maximale"):
        reader.check_size(11 * 1_048_576, 10 * 1_048_576)


def test_generated_file_is_valid_against_the_official_xsd(tmp_path):
    path = tmp_path / "gen.xml"
    written = generator.write_file(
        str(path),
        [],
        ["RNCP34829", "RS5286"],
        passages=1200,
        id_client="CERTA001",
        id_contrat="C1",
    )

    official = etree.XMLSchema(etree.parse(str(reader.OFFICIAL_SCHEMA)))
    official.assertValid(etree.parse(str(path)))
    assert written == 1200 and reader.scan(str(path)).passage_count == 1200


def test_digest_is_the_json_of_dataclasses_asdict(tmp_path):
    """Digests are stored (`AccrochagePassage.content_digest`): the fast digest must stay
    the one `dataclasses.asdict` gave, or every re-sent passage would look changed."""
    import dataclasses
    import hashlib
    import json

    def asdict_digest(passage, certification):
        values = dataclasses.asdict(passage)
        del values["line"], values["certification"]
        values["identification"].pop("nir", None)
        values["certification_code"] = [certification.type, certification.code]
        text = json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    with_nir = tmp_path / "nir.xml"
    with_nir.write_bytes(
        flux(("RNCP", "RNCP34829", [passage("N-1", identification=national_id("1" * 13, "X"))]))
    )
    kinds = set()
    for path in (str(HANDWRITTEN), str(with_nir)):
        header = reader.scan(path)
        for one in reader.passages(path):
            certification = header.certifications[one.certification]
            assert one.digest(certification) == asdict_digest(one, certification)
            kinds.add(type(one.identification))
    assert kinds == {reader.Holder, reader.NationalIdentifier, reader.TrainingFile}
