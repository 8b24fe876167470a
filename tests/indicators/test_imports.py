"""Bringing a plan in from a spreadsheet: real files built here, messy ones, the round trip, bad input, the pages."""

import datetime
import io
import zipfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.spreadsheets import MAX_ROWS, SpreadsheetError, read_spreadsheet
from indicators.exports import render
from indicators.imports import (
    import_apply,
    interpret,
    parse_amount,
    parse_indicators,
    parse_schedule,
    preview_upload,
)
from indicators.jobs import build_report
from indicators.models import Indicator
from indicators.reports import SUIVI_HEADERS
from partners.models import Partner
from plans import services
from plans.enums import MemberRole, PillarKind
from plans.models import Action, Plan, SpreadsheetImport
from tests.indicators.factories import SUIVI_CSV_LEAVES, plan_fields
from tests.partners.factories import PartnerFactory
from tests.plans.factories import MembershipFactory, PlanFactory, territory_authority

# The SeNe model's eight headers, as the product's suivi export writes them (tests/indicators/test_reports.py
# checks them against the model).
SENE = list(SUIVI_HEADERS)


# --- Files built here -----------------------------------------------------------------------------------------


def sene(pillar, axis, lead_summary, due="", indicators="", *, field="", comments="", competence=""):
    """A row in the SeNe model's order."""
    return [pillar, axis, field, lead_summary, comments, competence, due, indicators]


def xlsx(rows, *, merges=(), sheet="Suivi", extra_sheets=(), hidden=()) -> bytes:
    """A workbook as openpyxl writes it (formulas without their values); `hidden`: names of sheets to hide."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for cell_range in merges:
        worksheet.merge_cells(cell_range)
    for name, other in extra_sheets:
        more = workbook.create_sheet(name)
        for row in other:
            more.append(row)
        if name in hidden:
            more.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods(rows, *, spans=(), trailing_empty_rows=0) -> bytes:
    """An ODS file; `spans`: (row, column, rows down) of cells merged downwards (0-based)."""
    from odf import table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    doc = OpenDocumentSpreadsheet()
    sheet = table.Table(name="Plan")
    spanned = {(r, c): n for r, c, n in spans}
    covered = {(r + k, c) for r, c, n in spans for k in range(1, n)}
    for r, row in enumerate(rows):
        tr = table.TableRow()
        for c, value in enumerate(row):
            if (r, c) in covered:
                tr.addElement(table.CoveredTableCell())
                continue
            attributes = {}
            if (r, c) in spanned:
                attributes["numberrowsspanned"] = spanned[(r, c)]
            if isinstance(value, datetime.date):
                cell = table.TableCell(valuetype="date", datevalue=value.isoformat(), **attributes)
            elif isinstance(value, int | Decimal):
                cell = table.TableCell(valuetype="float", value=str(value), **attributes)
            else:
                cell = table.TableCell(**attributes)
            if value not in (None, ""):
                for line in str(value).split("\n"):
                    cell.addElement(text.P(text=line))
            tr.addElement(cell)
        tr.addElement(table.TableCell(numbercolumnsrepeated=16000))  # to the sheet's last column, as LibreOffice
        sheet.addElement(tr)
    if trailing_empty_rows:
        empty = table.TableRow(numberrowsrepeated=trailing_empty_rows)
        empty.addElement(table.TableCell(numbercolumnsrepeated=1024))
        sheet.addElement(empty)
    doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    import csv

    buffer = StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def tree(plan: Plan) -> list:
    """The plan as pillars → axes → actions with every field the import sets, in plan order."""
    result = []
    for pillar in plan.pillars.order_by("order", "pk"):
        axes = []
        for axis in pillar.axes.order_by("number", "pk"):
            actions = []
            for action in axis.actions.order_by("order", "pk").select_related("lead"):
                indicators = [
                    (i.letter, i.label, i.unit, i.target_value)
                    for i in Indicator.objects.filter(action=action).order_by("order", "pk")
                ]
                actions.append(
                    {
                        "title": action.title,
                        "summary": action.summary,
                        "lead": action.lead.name if action.lead else None,
                        "field": action.field_of_intervention,
                        "target_groups": action.target_groups,
                        "comments": action.comments,
                        "competence": action.competence,
                        "financing_note": action.financing_note,
                        "start": action.start_date,
                        "due": action.due_date,
                        "indicators": indicators,
                    }
                )
            axes.append((axis.name, actions))
        result.append((pillar.name, pillar.kind, axes))
    return result


def upload_into(plan, content: bytes, name="plan.xlsx") -> SpreadsheetImport:
    coordinator = plan.memberships.get(role=MemberRole.COORDINATOR).user
    return services.plan_upload_spreadsheet(plan=plan, by=coordinator, filename=name, content=content)


@pytest.fixture
def draft(db):
    plan = PlanFactory()
    MembershipFactory(plan=plan, role=MemberRole.COORDINATOR)
    return plan


# --- Values ---------------------------------------------------------------------------------------------------


class TestValues:
    @pytest.mark.parametrize(
        ("written", "first", "last"),
        [
            ("31/12/2026", datetime.date(2026, 12, 31), datetime.date(2026, 12, 31)),
            ("12/2026", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
            ("déc. 2026", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
            ("Décembre 2026", datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
            ("fin juin 2027", datetime.date(2027, 6, 1), datetime.date(2027, 6, 30)),
            ("T4 2026", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
            ("2e trimestre 2026", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
            ("S1 2027", datetime.date(2027, 1, 1), datetime.date(2027, 6, 30)),
            ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
            ("2025-2026", datetime.date(2025, 1, 1), datetime.date(2026, 12, 31)),
            ("2026-03-31", datetime.date(2026, 3, 31), datetime.date(2026, 3, 31)),
            (datetime.date(2026, 5, 4), datetime.date(2026, 5, 4), datetime.date(2026, 5, 4)),
            (Decimal("2027"), datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)),
        ],
    )
    def test_french_dates(self, written, first, last):
        schedule = parse_schedule(written)
        assert (schedule.first, schedule.last) == (first, last)

    def test_ongoing_has_no_date_but_a_note(self):
        schedule = parse_schedule("En continu")
        assert schedule.last is None and schedule.note == "En continu"

    @pytest.mark.parametrize("written", ["bientôt", "31/02/2026", "0000", "12/0000", "٢٠٢٦", "T5 2026", "9999"])
    def test_unreadable_dates(self, written):
        with pytest.raises(ValueError):
            parse_schedule(written)

    @pytest.mark.parametrize(
        ("written", "amount"),
        [
            ("12 500 €", Decimal("12500")),
            ("12.500,00", Decimal("12500.00")),
            ("12\u202f500,50 €", Decimal("12500.50")),
            ("Budget prévu : 3 000,00 €", Decimal("3000.00")),
            ("15 k€", Decimal("15000")),
            ("1,5", Decimal("1.5")),
        ],
    )
    def test_amounts(self, written, amount):
        assert parse_amount(written) == amount

    @pytest.mark.parametrize("written", ["beaucoup", "99 999 999 999 €"])
    def test_unreadable_amounts(self, written):
        with pytest.raises(ValueError):
            parse_amount(written)

    def test_several_indicators_in_one_cell(self):
        found, notes = parse_indicators(
            "Nombre de contrôles réalisés (R)\nI : Baisse des plaintes\n(R) Taux de participation ; Sans marque\n"
            "R : Nombre d'actions — 12 (T3 2026)"
        )
        assert [(i.letter, i.label, i.unit) for i in found] == [
            ("R", "Nombre de contrôles réalisés", "count"),
            ("I", "Baisse des plaintes", "count"),
            ("R", "Taux de participation", "percentage"),
            ("R", "Sans marque", "count"),
            ("R", "Nombre d'actions", "count"),
        ]
        assert len(notes) == 1 and "Sans marque" in notes[0]


# --- A messy SeNe table -------------------------------------------------------------------------------------


MESSY = [
    ["Plan local de lutte contre les stupéfiants — Ville de Sorne", None, None, None],
    ["Version du comité du 12 mars", None, None, None],
    [],
    # The header over two rows, columns in another order, an extra column, small wording differences.
    ["PILIER", "Domaine", "Gestionnaire et", "Échéance(s)", "Indicateurs de résultat (R)", "Champ d'intervention",
     "Compétences et", "Commentaires", "Priorité"],
    [None, None, "sommaire des actions", None, "et d'impact (I)", "et population cible", "financement envisagé",
     None, None],
    ["Réduction de l'offre", "Occupation de l'espace public",
     "Police municipale de Sorne\nPatrouilles aux abords des écoles — Présence aux heures de sortie",
     "31/12/2026", "Nombre de patrouilles (R)\nI : Baisse des signalements", "Espace public\nCollégiens",
     "Commune\n12 500 € (MILDECA)", "", "haute"],
    [None, None, "Association Trait d'Union\nMédiation avec les habitants", "déc. 2026",
     "R : Nombre de réunions", "Quartier des Fleurs", "Partagée\n12.500,00", "Avec le bailleur", None],
    [None, "Démantèlement des réseaux", "Commissariat de Sorne\nOpérations conjointes", "T4 2026",
     "Nombre d'opérations (R)", None, "État", None, None],
    [],
    ["Prévention", "Milieu scolaire", "Collège Jean Moulin\nInterventions en classe de 4e", "2026",
     "Taux d'élèves sensibilisés (R)", "Éducation\nÉlèves de 4e", None, None, None],
    [None, None, "Ville de Sorne\nForum des parents", "en continu", "Nombre de participants (R)", None, None,
     None, None],
    [],
    [],
    ["Sources : comité de pilotage, mars 2026.", None, None, None],
    ["Document de travail.", None, None, None],
]  # fmt: skip


class TestMessySene:
    def test_the_tree_it_reads(self, draft):
        known = PartnerFactory(name="Police municipale de Sorne")
        draft.partners.add(known)  # an organisation of the plan: matched by name
        content = xlsx(MESSY, merges=["A6:A8"])
        preview = interpret(read_spreadsheet(content), draft)
        assert preview.blocking == []
        assert preview.header_row == 4
        assert [(p.name, p.kind) for p in preview.pillars] == [
            ("Réduction de l'offre", PillarKind.SUPPLY_REDUCTION),
            ("Prévention", PillarKind.PREVENTION),
        ]
        assert [list(p.axes) for p in preview.pillars] == [
            ["occupation de l espace public", "demantelement des reseaux"],
            ["milieu scolaire"],
        ]
        first, second, third, fourth, fifth = preview.actions
        assert (first.row, first.lead.partner, first.title, first.summary) == (
            6,
            known,
            "Patrouilles aux abords des écoles",
            "Présence aux heures de sortie",
        )
        assert (first.field, first.target_groups, first.competence, first.amount) == (
            "Espace public",
            "Collégiens",
            "commune",
            Decimal("12500"),
        )
        assert first.due == datetime.date(2026, 12, 31)
        assert [(i.letter, i.label) for i in first.indicators] == [
            ("R", "Nombre de patrouilles"),
            ("I", "Baisse des signalements"),
        ]
        assert (second.lead.name, second.lead.partner, second.due, second.comments) == (
            "Association Trait d'Union",
            None,
            datetime.date(2026, 12, 31),
            "Avec le bailleur",
        )
        assert (second.competence, second.amount) == ("shared", Decimal("12500.00"))
        assert (third.lead.kind, third.due, third.competence) == (
            "national_police",
            datetime.date(2026, 12, 31),
            "state",
        )
        assert (fourth.lead.kind, fourth.due, fourth.indicators[0].unit) == (
            "school",  # a collège is a school, not the Éducation nationale itself
            datetime.date(2026, 12, 31),
            "percentage",
        )
        assert (fifth.due, fifth.comments) == (None, "Échéance : en continu")
        ignored = [p for p in preview.warnings if "Colonne ignorée" in p.message]
        assert [p.column for p in ignored] == ["I (« Priorité »)"]
        notes = [p for p in preview.warnings if "sous le tableau" in p.message]
        assert [p.row for p in notes] == [14, 15]

    def test_confirming_creates_exactly_that_in_one_go(self, draft):
        upload = upload_into(draft, xlsx(MESSY, merges=["A6:A8"]))
        coordinator = upload.uploaded_by
        summary = import_apply(upload=upload, by=coordinator, kinds={})
        # The two amounts become budget lines; the one naming no funder goes to "Financeur à préciser" (issue 27).
        assert summary == {"pillars": 2, "axes": 3, "actions": 5, "indicators": 6, "partners": 6, "budget_lines": 2}
        empty = {"summary": "", "field": "", "target_groups": "", "comments": "", "competence": "", "start": None}
        assert tree(draft)[0] == (
            "Réduction de l'offre",
            "supply_reduction",
            [
                (
                    "Occupation de l'espace public",
                    [
                        {
                            **empty,
                            "title": "Patrouilles aux abords des écoles",
                            "summary": "Présence aux heures de sortie",
                            "lead": "Police municipale de Sorne",
                            "field": "Espace public",
                            "target_groups": "Collégiens",
                            "competence": "commune",
                            "financing_note": "12 500 € (MILDECA)",
                            "due": datetime.date(2026, 12, 31),
                            "indicators": [
                                ("R", "Nombre de patrouilles", "count", None),
                                ("I", "Baisse des signalements", "count", None),
                            ],
                        },
                        {
                            **empty,
                            "title": "Médiation avec les habitants",
                            "lead": "Association Trait d'Union",
                            "field": "Quartier des Fleurs",
                            "comments": "Avec le bailleur",
                            "competence": "shared",
                            "financing_note": "12.500,00",
                            "due": datetime.date(2026, 12, 31),
                            "indicators": [("R", "Nombre de réunions", "count", None)],
                        },
                    ],
                ),
                (
                    "Démantèlement des réseaux",
                    [
                        {
                            **empty,
                            "title": "Opérations conjointes",
                            "lead": "Commissariat de Sorne",
                            "competence": "state",
                            "financing_note": "",
                            "due": datetime.date(2026, 12, 31),
                            "indicators": [("R", "Nombre d'opérations", "count", None)],
                        }
                    ],
                ),
            ],
        )
        assert tree(draft)[1] == (
            "Prévention",
            "prevention",
            [
                (
                    "Milieu scolaire",
                    [
                        {
                            "title": "Interventions en classe de 4e",
                            "summary": "",
                            "lead": "Collège Jean Moulin",
                            "field": "Éducation",
                            "target_groups": "Élèves de 4e",
                            "comments": "",
                            "competence": "",
                            "financing_note": "",
                            "start": None,
                            "due": datetime.date(2026, 12, 31),
                            "indicators": [("R", "Taux d'élèves sensibilisés", "percentage", None)],
                        },
                        {
                            "title": "Forum des parents",
                            "summary": "",
                            "lead": "Ville de Sorne",
                            "field": "",
                            "target_groups": "",
                            "comments": "Échéance : en continu",
                            "competence": "",
                            "financing_note": "",
                            "start": None,
                            "due": None,
                            "indicators": [("R", "Nombre de participants", "count", None)],
                        },
                    ],
                )
            ],
        )
        assert set(draft.partners.values_list("name", flat=True)) >= {"Collège Jean Moulin", "Ville de Sorne"}
        # Recorded: who imported which file, in the plan's history and on every object created.
        upload.refresh_from_db()
        assert upload.applied_at is not None and upload.summary["actions"] == 5
        entry = draft.history.first()
        assert entry.history_user == coordinator
        assert "plan.xlsx" in entry.history_change_reason and "5 actions" in entry.history_change_reason
        assert set(Action.history.filter(plan_id=draft.pk).values_list("history_change_reason", flat=True)) == {
            "Import du tableau « plan.xlsx »"
        }

    def test_a_second_confirmation_is_refused(self, draft):
        upload = upload_into(draft, xlsx(MESSY))
        import_apply(upload=upload, by=upload.uploaded_by, kinds={})
        with pytest.raises(Exception, match="déjà été importé"):
            import_apply(upload=upload, by=upload.uploaded_by, kinds={})
        assert draft.actions.count() == 5

    def test_a_pillar_whose_kind_is_unclear_is_asked(self, draft):
        rows = [SENE, sene("Volet 1", "Axe A", "Ville\nUne action", "2026", "R : Un indicateur")]
        upload = upload_into(draft, xlsx(rows))
        preview = preview_upload(upload)
        assert [(p.name, p.kind) for p in preview.pillars_to_ask] == [("Volet 1", "")]
        with pytest.raises(Exception, match="Choisissez le type du pilier"):
            import_apply(upload=upload, by=upload.uploaded_by, kinds={})
        assert draft.pillars.count() == 0
        import_apply(upload=upload, by=upload.uploaded_by, kinds={"Volet 1": PillarKind.TRANSVERSAL})
        assert draft.pillars.get().kind == PillarKind.TRANSVERSAL

    def test_problems_are_reported_with_sheet_row_and_column_and_nothing_is_written(self, draft):
        rows = [
            SENE,
            sene(None, "Axe sans pilier", "Ville\nAction orpheline", "2026"),
            sene("Prévention", "Écoles", "Ville\nAction datée", "bientôt"),
            sene("Prévention", "Écoles", "Ville de Sorne", "2026"),
        ]
        draft.partners.add(PartnerFactory(name="Ville de Sorne"))
        upload = upload_into(draft, xlsx(rows, sheet="Feuil1"))
        preview = preview_upload(upload)
        assert [(p.sheet, p.row, p.column[:1]) for p in preview.blocking] == [
            ("Feuil1", 2, "B"),
            ("Feuil1", 3, "G"),
            ("Feuil1", 4, "D"),
        ]
        assert "Date « bientôt » non reconnue" in preview.blocking[1].message
        with pytest.raises(Exception, match="problèmes à corriger"):
            import_apply(upload=upload, by=upload.uploaded_by, kinds={"Prévention": "prevention"})
        assert draft.pillars.count() == 0 and draft.actions.count() == 0

    def test_into_a_draft_that_already_has_the_pillar_and_axis(self, draft):
        coordinator = draft.memberships.get(role=MemberRole.COORDINATOR).user
        pillar = services.pillar_create(plan=draft, by=coordinator, kind="care", name="Soins")
        services.axis_create(pillar=pillar, by=coordinator, name="Jeunes consommateurs")
        rows = [
            SENE,
            sene("SOINS", "jeunes  consommateurs", "CSAPA\nConsultations avancées", "2027"),
            sene("SOINS", None, "CSAPA\nPermanences au lycée", "2027"),  # the domain merged: same as above
        ]
        upload = upload_into(draft, xlsx(rows))
        assert import_apply(upload=upload, by=coordinator, kinds={})["pillars"] == 0
        assert draft.pillars.count() == 1 and pillar.axes.count() == 1
        assert [a.axis.name for a in draft.actions.order_by("order")] == ["Jeunes consommateurs"] * 2


class TestFormats:
    ROWS = [
        SENE,
        ["Réduction des risques", "Milieu festif", "Agglomération",
         "Association Étape\nStands de prévention — Soirées étudiantes", "", "Intercommunalité\n4 000 €",
         "30/06/2027", "Nombre de soirées (R)"],
        [None, None, "", "CAARUD\nMaraudes", "", "", "T2 2027", "I : Contacts établis"],
    ]  # fmt: skip
    EXPECTED = [("Stands de prévention", "Association Étape", datetime.date(2027, 6, 30)),
                ("Maraudes", "CAARUD", datetime.date(2027, 6, 30))]  # fmt: skip

    def read(self, content, draft):
        preview = interpret(read_spreadsheet(content), draft)
        assert preview.blocking == []
        assert [(p.name, p.kind) for p in preview.pillars] == [("Réduction des risques", "risk_reduction")]
        return [(a.title, a.lead.name, a.due) for a in preview.actions]

    def test_csv_utf8_with_bom_and_semicolons(self, draft):
        assert self.read(csv_bytes(self.ROWS), draft) == self.EXPECTED

    def test_csv_windows_1252_and_commas(self, draft):
        assert self.read(csv_bytes(self.ROWS, delimiter=",", encoding="cp1252"), draft) == self.EXPECTED

    def test_ods_with_merged_cells_and_a_million_empty_rows(self, draft):
        content = ods(self.ROWS, spans=[(1, 0, 2), (1, 1, 2)], trailing_empty_rows=1_048_000)
        assert self.read(content, draft) == self.EXPECTED

    def test_formulas_are_read_as_their_saved_values_never_evaluated(self, draft):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(SENE)
        sheet.append(sene("Prévention", "Écoles", 'Ville\n=HYPERLINK("http://x")', "=DATE(2026;12;31)"))
        sheet["D2"].data_type = "s"  # typed as text: kept as text
        buffer = io.BytesIO()
        workbook.save(buffer)
        preview = interpret(read_spreadsheet(buffer.getvalue()), draft)
        action = preview.actions[0]
        assert action.title == '=HYPERLINK("http://x")'
        # The formula has no saved value (openpyxl saved none): no date, no evaluation.
        assert action.due is None


# --- Round trip: export a plan, import the file into a new plan ---------------------------------------------


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--allow-production", stdout=StringIO(), stderr=StringIO())
    return list(Plan.objects.filter(actions__isnull=False).distinct().order_by("pk"))


@pytest.mark.parametrize(
    ("fmt", "language"),
    [("xlsx", "fr"), ("ods", "fr"), ("csv", "fr"), ("csv-opendata", "fr"), ("xlsx", "en"), ("csv-opendata", "en")],
)
def test_round_trip_of_both_demo_plans(demo, fmt, language):
    """Issue 27: each demo plan, exported in each format, imported as a new plan: the same plan, field by field,
    but for what the README lists as not carried (the suivi CSV is the model's eight columns), which the preview
    names."""
    from django.utils import translation

    assert len(demo) == 2
    for source in demo:
        with translation.override(language):
            report = build_report(source, "suivi", {}, today=timezone.localdate())
            section = report.section("suivi") if fmt.startswith("csv") else None
            content = render(report, fmt, section=section)
        target = PlanFactory(
            territory=source.territory, period_start=source.period_start, period_end=source.period_end
        )
        MembershipFactory(plan=target, role=MemberRole.COORDINATOR)
        upload = upload_into(target, content, name=f"export.{fmt.split('-')[0]}")
        preview = preview_upload(upload)
        assert preview.blocking == [], [(p.where, p.message) for p in preview.blocking]
        leaving = SUIVI_CSV_LEAVES if fmt == "csv" else {}
        if fmt == "csv":
            assert "les dates de début" in preview.not_carried
        else:
            assert preview.not_carried == [], preview.not_carried
        kinds = {p.name: source.pillars.get(name=p.name).kind for p in preview.pillars_to_ask}
        import_apply(upload=upload, by=upload.uploaded_by, kinds=kinds)
        before, after = plan_fields(source, leaving=leaving), plan_fields(target, leaving=leaving)
        for part in before:
            assert len(after[part]) == len(before[part]), part
            for got, wanted in zip(after[part], before[part], strict=True):
                assert dict(enumerate(got)) == dict(enumerate(wanted)), part
        assert target.actions.count() == source.actions.count() > 10


# --- Bad input ----------------------------------------------------------------------------------------------


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class TestBadInput:
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "vide"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "mot de passe"),
            (b"%PDF-1.7\n...", "PDF"),
            (_zip({"word/document.xml": "<w/>", "[Content_Types].xml": "<x/>"}), "document texte"),
            (_zip({"hello.txt": "bonjour"}), "pas un tableur"),
            (b"PK\x03\x04garbage-garbage", "endommagé"),
            (_zip({"bomb.xml": "0" * (80 * 1024 * 1024)}), "décompresse"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "pas un tableur"),
            (b"juste une phrase sans colonnes", "pas de colonnes"),
            (b"a;b\n" + b"x" * (11 * 1024 * 1024), "10 Mo"),
        ],
    )
    def test_files_that_are_not_tables(self, content, message):
        with pytest.raises(SpreadsheetError, match=message):
            read_spreadsheet(content)

    def test_password_protected_ods(self):
        content = _zip(
            {
                "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                "META-INF/manifest.xml": (
                    '<manifest><file-entry><encryption-data algorithm="x"/></file-entry></manifest>'
                ),
                "content.xml": "<encrypted/>",
            }
        )
        with pytest.raises(SpreadsheetError, match="mot de passe"):
            read_spreadsheet(content)

    def test_too_many_rows(self):
        rows = [SENE] + [sene("P", "A", f"Ville\nAction {n}", "2026") for n in range(MAX_ROWS + 1)]
        with pytest.raises(SpreadsheetError, match="plus de 5"):
            read_spreadsheet(csv_bytes(rows))

    def test_a_cell_of_one_megabyte(self):
        with pytest.raises(SpreadsheetError, match="dépasse 20"):
            read_spreadsheet(xlsx([SENE, ["P", "A", "x" * (1024 * 1024)]]))

    def test_a_sheet_without_a_header(self, draft):
        preview = interpret(read_spreadsheet(csv_bytes([["a", "b"], ["1", "2"]])), draft)
        assert len(preview.blocking) == 1 and "en-tête reconnaissable" in preview.blocking[0].message

    def test_control_characters_pasted_from_word(self, draft):
        rows = [SENE, sene("Prévention\x0b", "Écoles\x0c", "Ville\x0bAction\x07 collée", "2026")]
        preview = interpret(read_spreadsheet(csv_bytes(rows)), draft)
        assert [(a.lead.name, a.title) for a in preview.actions] == [("Ville", "Action collée")]


# --- The pages ----------------------------------------------------------------------------------------------


class TestPages:
    def test_upload_preview_confirm(self, client, draft):
        coordinator = draft.memberships.get(role=MemberRole.COORDINATOR).user
        client.force_login(coordinator)
        actions_page = client.get(reverse("plans:actions", args=[draft.pk])).content.decode()
        assert reverse("indicators:import_upload", args=[draft.pk]) in actions_page
        response = client.post(
            reverse("indicators:import_upload", args=[draft.pk]),
            {"spreadsheet": SimpleUploadedFile("Plan Sorne.xlsx", xlsx(MESSY))},
        )
        upload = SpreadsheetImport.objects.get(plan=draft)
        assert response.url == reverse("indicators:import_preview", args=[draft.pk, upload.pk])
        page = client.get(response.url)
        body = page.content.decode()
        assert page.status_code == 200 and draft.actions.count() == 0
        assert "Patrouilles aux abords des écoles" in body and "sera créée" in body and "Colonne ignorée" in body
        done = client.post(response.url, {"pilier-0": "supply_reduction", "pilier-1": "prevention"})
        assert done.status_code == 302 and draft.actions.count() == 5
        history = client.get(reverse("plans:history", args=[draft.pk])).content.decode()
        assert "Import du tableau « Plan Sorne.xlsx » par" in history

    def test_a_bad_file_is_refused_next_to_the_field(self, client, draft):
        client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
        response = client.post(
            reverse("indicators:import_upload", args=[draft.pk]),
            {"spreadsheet": SimpleUploadedFile("plan.xlsx", b"%PDF-1.4 not a sheet")},
        )
        assert response.status_code == 400
        assert "PDF, pas un tableur" in response.content.decode()
        assert not SpreadsheetImport.objects.exists()

    def test_a_missing_kind_is_asked_again_and_nothing_written(self, client, draft):
        client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
        upload = upload_into(draft, xlsx([SENE, sene("Volet 1", "Axe", "Ville\nAction", "2026")]))
        url = reverse("indicators:import_preview", args=[draft.pk, upload.pk])
        response = client.post(url, {"pilier-0": ""})
        assert response.status_code == 400 and "Choisissez le type de ce pilier" in response.content.decode()
        assert draft.actions.count() == 0

    @pytest.mark.parametrize("role", [MemberRole.VIEWER, MemberRole.CONTRIBUTOR])
    def test_members_who_cannot_edit_are_refused(self, client, draft, role):
        upload = upload_into(draft, xlsx(MESSY))
        member = MembershipFactory(plan=draft, role=role).user
        client.force_login(member)
        assert client.get(reverse("indicators:import_upload", args=[draft.pk])).status_code == 403
        url = reverse("indicators:import_preview", args=[draft.pk, upload.pk])
        assert client.post(url, {"pilier-0": "prevention", "pilier-1": "prevention"}).status_code == 403
        assert draft.actions.count() == 0

    def test_outsiders_and_other_plans_uploads_are_not_found(self, client, draft):
        other = PlanFactory()
        MembershipFactory(plan=other, role=MemberRole.COORDINATOR)
        upload = upload_into(other, xlsx(MESSY))
        client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
        assert client.get(reverse("indicators:import_upload", args=[other.pk])).status_code == 404
        # Another plan's upload, reached through one's own plan.
        assert client.get(reverse("indicators:import_preview", args=[draft.pk, upload.pk])).status_code == 404

    def test_an_adopted_plan_takes_no_import(self, client, db):
        plan = PlanFactory(adopted=True)
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user)
        assert client.get(reverse("indicators:import_upload", args=[plan.pk])).status_code == 403

    def test_creating_a_plan_with_a_spreadsheet_goes_to_its_preview(self, client, draft):
        user = draft.memberships.get(role=MemberRole.COORDINATOR).user
        territory_authority(user, official_code="99001", name="Sorne")
        client.force_login(user)
        data = {
            "territory_name": "Sorne",
            "territory_kind": "commune",
            "country": "FR",
            "official_code": "99001",
            "title": "Plan de Sorne",
            "period_start": "01/01/2026",
            "period_end": "31/12/2028",
            "spreadsheet": SimpleUploadedFile("sorne.csv", csv_bytes(TestFormats.ROWS)),
        }
        response = client.post(reverse("plans:create"), data)
        upload = SpreadsheetImport.objects.get(plan=None)  # the plan is created when the import is confirmed
        assert response.url == reverse("indicators:new_plan_import", args=[upload.pk])
        assert upload.new_plan["title"] == "Plan de Sorne" and upload.new_plan["period_start"] == "2026-01-01"
        assert not Plan.objects.filter(title="Plan de Sorne").exists()
        data["spreadsheet"] = SimpleUploadedFile("sorne.docx", _zip({"word/document.xml": "<w/>"}))
        data["title"] = "Plan refusé"
        refused = client.post(reverse("plans:create"), data)
        assert refused.status_code == 400 and "document texte" in refused.content.decode()
        assert not Plan.objects.filter(title="Plan refusé").exists()

    @pytest.mark.parametrize("fmt", ["ods", "xlsx"])
    def test_the_blank_template(self, client, draft, fmt):
        client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
        response = client.get(reverse("indicators:import_template", args=[fmt]))
        assert response.status_code == 200
        sheets = read_spreadsheet(response.content)
        assert [s.name for s in sheets] == ["Tableau de suivi", "Notes"]
        assert sheets[0].rows == [SENE]
        assert [row[0] for row in sheets[1].rows[1:]] == SENE
        # Filled in and sent back, it is understood.
        preview = interpret(sheets, draft)
        assert "Aucune feuille" not in " ".join(p.message for p in preview.problems)
        assert client.get(reverse("indicators:import_template", args=["pdf"])).status_code == 404


def test_partners_are_matched_by_name_or_acronym_whatever_the_case(draft):
    partner = PartnerFactory(name="Centre de soins (CSAPA) de Sorne", acronym="CSAPA Sorne")
    PlanFactory(territory=draft.territory).partners.add(partner)  # another plan of the same territory
    rows = [
        SENE,
        sene("Soins", "Accès", "centre de soins (csapa) de sorne\nConsultations", "2026"),
        sene("Soins", "Accès", "Mairie\nPermanences", "2026"),
    ]
    own = PartnerFactory(name="Mairie de Sorne", acronym="Mairie")
    draft.partners.add(own)
    preview = interpret(read_spreadsheet(xlsx(rows)), draft)
    assert preview.actions[0].lead.partner == partner  # by name: taken
    assert preview.actions[1].lead.partner == own  # the plan's own partner, by its acronym: taken
    assert Partner.objects.count() == Partner.objects.filter(pk__lte=own.pk).count()


def test_another_plans_organisation_matched_on_its_acronym_alone_is_proposed_not_taken(draft):
    """Issue 27: four actions led by "Parquet" went to another plan's "Parquet du tribunal judiciaire"."""
    partner = PartnerFactory(name="Parquet du tribunal judiciaire (démo)", acronym="Parquet", kind="prosecutor")
    PlanFactory(territory=draft.territory).partners.add(partner)
    rows = [SENE, sene("Justice", "Rappel à la loi", "Parquet\nStages de sensibilisation", "2026")]
    preview = interpret(read_spreadsheet(xlsx(rows)), draft)
    assert preview.actions[0].lead.partner is None and preview.new_leads[0].name == "Parquet"
    proposed = [p for p in preview.warnings if "Parquet du tribunal judiciaire (démo)" in p.message]
    assert len(proposed) == 1 and proposed[0].row == 2


def test_another_territorys_partners_are_never_matched(draft):
    """Issue 25 (F1): a lead named like another territory's organisation is a new organisation of this plan."""
    elsewhere = PartnerFactory(name="Parquet du tribunal judiciaire (démo)", acronym="Parquet", kind="prosecutor")
    PlanFactory().partners.add(elsewhere)
    rows = [SENE, sene("Justice", "Rappel à la loi", "Parquet\nStages de sensibilisation", "2026")]
    preview = interpret(read_spreadsheet(xlsx(rows)), draft)
    assert preview.actions[0].lead.partner is None


class TestBigFilesInTheBackground:
    def test_a_big_file_is_imported_by_a_worker_and_the_page_follows_it(self, client, draft, settings):
        settings.IMPORT_INLINE_MAX_ACTIONS = 2  # the test backend runs the task at once, as a worker would
        coordinator = draft.memberships.get(role=MemberRole.COORDINATOR).user
        client.force_login(coordinator)
        upload = upload_into(draft, xlsx(MESSY))
        url = reverse("indicators:import_preview", args=[draft.pk, upload.pk])
        response = client.post(url, {"pilier-0": "supply_reduction", "pilier-1": "prevention"})
        assert response.url == url
        assert draft.actions.count() == 5
        followed = client.get(url, follow=True)
        assert followed.redirect_chain[-1][0] == reverse("plans:actions", args=[draft.pk])
        assert "Import terminé. Créés : actions 5, indicateurs 6, lignes budgétaires" in followed.content.decode()

    def test_while_queued_the_page_says_so_and_refreshes(self, client, draft):
        client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
        upload = upload_into(draft, xlsx(MESSY))
        SpreadsheetImport.objects.filter(pk=upload.pk).update(status=SpreadsheetImport.QUEUED)
        page = client.get(reverse("indicators:import_preview", args=[draft.pk, upload.pk])).content.decode()
        assert 'http-equiv="refresh"' in page and "attend son tour" in page

    def test_a_refusal_in_the_worker_is_shown_and_nothing_written(self, client, draft):
        from indicators.imports import run_import

        upload = upload_into(draft, xlsx([SENE, sene("Volet 1", "Axe", "Ville\nAction", "2026")]))
        coordinator = upload.uploaded_by
        SpreadsheetImport.objects.filter(pk=upload.pk).update(status=SpreadsheetImport.QUEUED, kinds={})
        run_import.call(upload.pk, coordinator.pk)
        upload.refresh_from_db()
        assert upload.status == SpreadsheetImport.FAILED and "Choisissez le type du pilier" in upload.error
        client.force_login(coordinator)
        page = client.get(reverse("indicators:import_preview", args=[draft.pk, upload.pk])).content.decode()
        assert "Choisissez le type du pilier" in page
        assert draft.actions.count() == 0 and upload.applied_at is None

    def test_a_worker_that_died_leaves_nothing_and_the_import_can_be_confirmed_again(self, client, draft):
        import datetime as dt

        from django.utils import timezone

        client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
        upload = upload_into(draft, xlsx(MESSY))
        SpreadsheetImport.objects.filter(pk=upload.pk).update(
            status=SpreadsheetImport.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1)
        )
        url = reverse("indicators:import_preview", args=[draft.pk, upload.pk])
        assert "a été interrompu" in client.get(url).content.decode()
        client.post(url, {"pilier-0": "supply_reduction", "pilier-1": "prevention"})
        assert draft.actions.count() == 5


def test_files_are_not_kept_once_imported_and_unconfirmed_ones_are_forgotten(draft):
    import datetime as dt

    from django.utils import timezone

    from indicators.imports import imports_prune

    imported = upload_into(draft, xlsx(MESSY))
    import_apply(upload=imported, by=imported.uploaded_by, kinds={})
    imported.refresh_from_db()
    assert bytes(imported.content) == b"" and imported.sha256 and imported.filename == "plan.xlsx"
    forgotten = upload_into(draft, xlsx(MESSY))
    recent = upload_into(draft, xlsx(MESSY))
    SpreadsheetImport.objects.filter(pk=forgotten.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=8))
    assert imports_prune() == 1
    assert set(SpreadsheetImport.objects.values_list("pk", flat=True)) == {imported.pk, recent.pk}


def test_a_big_file_is_read_by_a_worker_and_its_preview_kept_until_the_plan_changes(client, draft, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.IMPORT_INLINE_MAX_BYTES = 100  # every file is "big": the test backend runs the worker's task at once
    coordinator = draft.memberships.get(role=MemberRole.COORDINATOR).user
    client.force_login(coordinator)
    upload = upload_into(draft, xlsx(MESSY))
    url = reverse("indicators:import_preview", args=[draft.pk, upload.pk])
    first = client.get(url).content.decode()
    assert "Lecture de « plan.xlsx »" in first and 'http-equiv="refresh"' in first
    upload.refresh_from_db()
    assert upload.status == "" and upload.preview["actions"] == 5
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Patrouilles aux abords des écoles" in page and "Importer les 5 actions" in page
    assert not any("plans_spreadsheetimport" in q["sql"] and "UPDATE" in q["sql"] for q in queries)  # not read again
    # The plan changed (a pillar of that name now exists): read again.
    services.pillar_create(plan=draft, by=coordinator, kind="prevention", name="Prévention")
    client.get(url)
    assert "pilier existant" in client.get(url).content.decode()


def test_a_big_file_is_not_read_in_the_upload_request_and_its_problems_show_in_the_preview(client, draft, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 100  # the test backend runs the worker's reading at once
    client.force_login(draft.memberships.get(role=MemberRole.COORDINATOR).user)
    rows = [SENE] + [sene("P", "A", f"Ville\nAction {n}", "2026") for n in range(MAX_ROWS + 1)]
    response = client.post(
        reverse("indicators:import_upload", args=[draft.pk]),
        {"spreadsheet": SimpleUploadedFile("gros.csv", csv_bytes(rows))},
    )
    assert response.status_code == 302  # told by its content, not read: the worker reads it
    client.get(response.url)
    page = client.get(response.url).content.decode()
    assert "plus de 5" in page and "Envoyer le fichier corrigé" in page
    assert draft.actions.count() == 0


@pytest.mark.parametrize("target", [float("nan"), float("inf"), 1e20, -1e15])
def test_a_target_no_indicator_can_hold_is_a_problem_not_a_500(draft, target):
    """Issue 25: NaN, infinity or 1e20 in the "Indicateurs" sheet of an export: named, never a server error."""
    rows = [SENE, sene("Prévention", "Écoles", "Ville\nForum des parents", "2026", "Participants (R)")]
    indicators = [["Action", "Indicateur", "Unité", "Cible"], ["Forum des parents", "Participants", "Nombre", target]]
    upload = upload_into(draft, xlsx(rows, extra_sheets=[("Indicateurs", indicators)]))
    preview = preview_upload(upload)
    nan_or_inf = target != target or target in {float("inf"), float("-inf")}
    if nan_or_inf:  # no number at all: the target is left empty, as an empty cell
        assert not preview.blocking
        assert preview.actions[0].indicators[0].target is None
    else:
        assert any("dépasse ce qu'une cible peut valoir" in p.message for p in preview.blocking)
        with pytest.raises(ValidationError):
            import_apply(upload=upload, by=upload.uploaded_by, kinds={"Prévention": "prevention"})
        assert draft.actions.count() == 0
