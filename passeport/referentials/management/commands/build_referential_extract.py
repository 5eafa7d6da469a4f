"""Build the small extract of the reference data committed in the project.

The extract keeps the source layouts (same file names, encodings, separators, quirks), so
that the same loaders read it: `load_referentials` falls back to it when the shared data
folder is absent, the tests load it, and the demo data picks real codes from it.
"""

import csv
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...loaders import EXTRACT_DIR, SourceError, cog, naf, rncp, rome
from ...text import normalize

# ROME domains kept: building (F17, F1204 QSE BTP), health-safety-environment (H13,
# H1523), security and civil protection (K25, K1702), logistics and forklift driving
# (N11), IT (M18), food trades (D11), care assistants (J1501).
ROME_PREFIXES = ("F17", "F1204", "H13", "H1523", "K25", "K1702", "N11", "M18", "D11", "J1501")
# Savoirs kept whatever the ROME codes: the habilitations a prevention training leads to.
PREVENTION_SAVOIRS = ("caces", "habilitation", "amiante", "hauteur", "secouris", "sst")
# Words of prevention-related certification titles (normalised form).
PREVENTION_WORDS = (
    "securite",
    "prevention",
    "hygiene",
    "amiante",
    "incendie",
    "secours",
    "secourisme",
    "risque",
    "sante au travail",
    "habilitation",
    "hauteur",
    "caces",
    "cariste",
    "engins",
)
# Fiches the tests rely on: a title over several lines (RNCP10009), an Excel date
# "8/31/16" and a successor (RNCP1000 → RNCP32230), a repeated bloc (RNCP34305), an
# escaped apostrophe in a certifier (RNCP15820), and the 2021 rows of fiches that the
# official export describes again (the newer export must win).
ANCHOR_FICHES = (
    "RNCP10009",
    "RNCP1000",
    "RNCP32230",
    "RNCP34305",
    "RNCP15820",
    "RNCP509",
    "RNCP1197",
    "RNCP4049",
    "RNCP22094",
    "RNCP28155",
    "RNCP30271",
    "RNCP19468",
)
ACTIVE_FICHES = 300
LINKED_FICHES = 150
COMMUNES_PER_DEPARTMENT = 3


class Command(BaseCommand):
    help = "Construit l'extrait des référentiels intégré au projet (mêmes formats de fichiers)."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, help="Dossier des données complètes.")
        parser.add_argument("--output", type=Path, default=EXTRACT_DIR, help="Dossier de sortie.")

    def handle(self, *args, source=None, output, **options):
        root = Path(source or settings.SHARED_DATA_DIR)
        if not root.is_dir():
            raise CommandError(f"Le dossier source « {root} » n'existe pas.")
        self.root, self.output = root, output
        self._prepare_output()
        try:
            self._cog()
            self._naf()
            self._rome()
            self._rncp()
        except SourceError as error:
            raise CommandError(str(error)) from error
        self._readme()
        size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
        self.stdout.write(
            self.style.SUCCESS(f"Extrait écrit dans {output} ({size / 1024 / 1024:.2f} Mo).")
        )

    # --- Files --------------------------------------------------------------------------

    def _prepare_output(self):
        if self.output.exists():
            if any(self.output.iterdir()) and not (self.output / "README.md").exists():
                raise CommandError(
                    f"{self.output} n'est pas vide et ne contient pas d'extrait : "
                    "choisissez un autre dossier."
                )
            shutil.rmtree(self.output)
        self.output.mkdir(parents=True)

    def _target(self, path):
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            relative = Path(path.parent.name) / path.name
        target = self.output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _copy(self, path):
        shutil.copyfile(path, self._target(path))

    def _filter(self, path, keep, *, encoding="utf-8", delimiter=","):
        """Copy the header and the rows `keep` accepts, byte for byte: the csv reader pulls
        one physical line at a time, so the lines it consumed for a row are that row's
        text, quoted values over several lines and stray carriage returns included."""
        consumed = []

        def lines(source):
            for line in source:
                consumed.append(line)
                yield line

        kept = 0
        with (
            path.open(encoding=encoding, newline="") as source,
            self._target(path).open("w", encoding=encoding, newline="") as target,
        ):
            reader = csv.reader(lines(source), delimiter=delimiter)
            header = next(reader)
            target.write("".join(consumed))
            consumed.clear()
            for values in reader:
                raw = "".join(consumed)
                consumed.clear()
                if keep(dict(zip(header, values, strict=False))):
                    target.write(raw)
                    kept += 1
        return kept

    @staticmethod
    def _rows(path, *, encoding="utf-8", delimiter=","):
        with path.open(encoding=encoding, newline="") as source:
            yield from csv.DictReader(source, delimiter=delimiter)

    # --- Sources ------------------------------------------------------------------------

    def _cog(self):
        files = cog.locate(self.root)
        for table in ("regions", "departments", "countries"):
            self._copy(files[table])
        capitals = {row["capital_code"] for row in self._rows(files["departments"])}
        wanted = capitals | self._birthplaces()
        per_department, delegated = {}, {"COMD": 0, "COMA": 0}
        for row in self._rows(files["communes"]):
            if row["type_code"] == "COM":
                per_department.setdefault(row["department_code"], []).append(row["code"])
        for codes in per_department.values():
            # The first, middle and last communes by code: spread over the département.
            wanted.update({codes[0], codes[len(codes) // 2], codes[-1]})

        def keep(row):
            if row["type_code"] == "ARM" or row["code"] in ("75056", "69123", "13055"):
                return True  # Paris, Lyon, Marseille and their arrondissements
            if row["type_code"] in delegated and delegated[row["type_code"]] < 10:
                delegated[row["type_code"]] += 1
                return True
            return row["type_code"] == "COM" and row["code"] in wanted

        kept = self._filter(files["communes"], keep)
        self.stdout.write(f"COG : {kept} communes.")

    def _birthplaces(self):
        """Birthplaces of FranceConnect's test identities, so that they match a commune."""
        codes = set()
        for path in sorted((self.root / "franceconnect").glob("*.csv")):
            with path.open(encoding="utf-8", errors="replace", newline="") as source:
                for row in csv.DictReader(source):
                    row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
                    code = row.get("codePostalLieuDeNaissance", "")
                    if len(code) == 5:
                        codes.add(code)
        return codes

    def _naf(self):
        for path in naf.locate(self.root).values():
            self._copy(path)

    def _rome(self):
        files = rome.locate(self.root)
        parents, codes = {}, set()
        for row in self._rows(files["codes"]):
            parents[row["code_rome"]] = row["code_rome_parent"]
            if row["code_rome"].startswith(ROME_PREFIXES):
                codes.add(row["code_rome"])
        codes |= {parents[code] for code in codes if parents.get(code) in parents}
        wanted_blocks = (rome.SKILLS_BLOCK, rome.CONTEXTS_BLOCK)
        skills = {
            row["code_ogr"]
            for row in self._rows(files["links"])
            if row["code_rome"] in codes and row["code_compo_bloc"] == rome.SKILLS_BLOCK
        }
        skills |= {
            row["code_ogr_savoir"]
            for row in self._rows(files["savoirs"])
            if any(word in normalize(row["libelle_savoir"]) for word in PREVENTION_SAVOIRS)
        }
        # The macro-compétences of the compétences kept, so that the tree holds together.
        skills |= {
            row["code_ogr_macro_comp"]
            for row in self._rows(files["competences"])
            if row["code_ogr"] in skills and row["code_ogr_macro_comp"]
        }
        self._filter(files["codes"], lambda row: row["code_rome"] in codes)
        self._filter(files["appellations"], lambda row: row["code_rome"] in codes)
        self._filter(files["competences"], lambda row: row["code_ogr"] in skills)
        self._filter(files["savoirs"], lambda row: row["code_ogr_savoir"] in skills)
        links = self._filter(
            files["links"],
            lambda row: row["code_rome"] in codes and row["code_compo_bloc"] in wanted_blocks,
        )
        self._filter(files["coherence"], lambda row: row["code_rome"] in codes)
        mobilities = self._filter(
            files["mobilities"],
            lambda row: row["code_rome"] in codes and row["code_rome_cible"] in codes,
        )
        for role in ("contexts", "domains", "grand_domains", "tree"):
            if role in files:
                self._copy(files[role])
        self.rome_codes = codes
        self.stdout.write(
            f"ROME : {len(codes)} codes, {len(skills)} compétences, {links} liens, "
            f"{mobilities} mobilités."
        )

    def _rncp(self):
        files = rncp.locate(self.root)
        for tables in files["official"]:
            folder = tables["fiches"].parent
            for path in sorted(folder.glob("export_fiches_CSV_*.csv")):
                self._copy(path)
        for tables in files["tables_2021"]:
            read = {"encoding": "cp1252", "delimiter": ";"}
            fiches = list(self._rows(tables["fiches"], **read))
            linked = {
                row["CodeRNCP"]
                for row in self._rows(tables["rome"], **read)
                if row["Rome"].strip() in self.rome_codes
            }
            selected = self._select_fiches(fiches, linked)
            self._filter(
                tables["fiches"], lambda row, chosen=selected: row["Numero_Fiche"] in chosen, **read
            )
            for role in ("blocs", "certifiers", "rome"):
                self._filter(
                    tables[role], lambda row, chosen=selected: row["CodeRNCP"] in chosen, **read
                )
            self.stdout.write(f"RNCP 2021 : {len(selected)} fiches.")

    @staticmethod
    def _select_fiches(fiches, linked):
        active = sorted({row["Numero_Fiche"] for row in fiches if row["Actif"] == "ACTIVE"})
        prevention = sorted(
            {
                row["Numero_Fiche"]
                for row in fiches
                if row["Actif"] == "ACTIVE"
                and any(word in normalize(row["Intitule"]) for word in PREVENTION_WORDS)
            }
        )
        chosen = set(prevention)
        # Active fiches preparing for the extract's ROME jobs (orientation's training
        # leads and profiles need them), a regular sample of them.
        for_jobs = [code for code in active if code in linked and code not in chosen]
        step = max(len(for_jobs) // LINKED_FICHES, 1)
        chosen.update(for_jobs[::step][:LINKED_FICHES])
        others = [code for code in active if code not in chosen]
        missing = max(ACTIVE_FICHES - len(chosen), 0)
        if missing and others:
            step = max(len(others) // missing, 1)
            chosen.update(others[::step][:missing])
        # The predecessors of prevention fiches, for real successor chains.
        chosen.update(
            row["Numero_Fiche"] for row in fiches if row["Nouvelle_Certification"] in prevention
        )
        known = {row["Numero_Fiche"] for row in fiches}
        chosen.update(code for code in ANCHOR_FICHES if code in known)
        return chosen

    def _readme(self):
        (self.output / "README.md").write_text(
            "# Extrait des référentiels\n\n"
            "Généré par `manage.py build_referential_extract` depuis les données publiques "
            "décrites dans `shared/data/README.md` (mêmes fichiers, mêmes formats : les "
            "chargeurs de `load_referentials` le lisent tel quel). Ne pas modifier à la main : "
            "régénérer.\n\n"
            "- `cog/` : régions, départements et pays complets ; communes : chef-lieu, "
            "première, médiane et dernière commune de chaque département, Paris, Lyon, "
            "Marseille et leurs arrondissements, quelques communes déléguées et associées, "
            "les lieux de naissance des identités de test FranceConnect.\n"
            "- `naf/` : complet.\n"
            f"- `rome4/` : codes ROME des domaines {', '.join(ROME_PREFIXES)} (et leurs "
            "parents), leurs appellations, compétences (et leurs macro-compétences), "
            "savoirs, liens, place de chaque compétence dans le métier (cœur de métier), "
            "contextes de travail et mobilités entre ces codes, plus les savoirs "
            "d'habilitation (CACES, habilitations, amiante, travail en hauteur) ; tables "
            "des contextes de travail et des domaines complètes.\n"
            "- `rncp_rs/fc_export_csv_2024-02-22/` : l'export officiel France Compétences "
            "complet (9 fiches).\n"
            f"- `rncp_rs/rncp_2021-01/` : environ {ACTIVE_FICHES} fiches actives (toutes "
            "celles dont l'intitulé relève de la prévention et de la sécurité, "
            f"{LINKED_FICHES} fiches qui préparent aux métiers ROME de l'extrait, puis un "
            "échantillon régulier), les prédécesseurs des fiches de prévention, et les "
            "fiches utilisées par les tests ; avec leurs blocs, certificateurs et codes "
            "ROME. Les tables de 2021 ne contiennent aucune fiche RS.\n",
            encoding="utf-8",
        )
