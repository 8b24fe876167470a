"""Evidence files: the kinds told by content, the names, the sizes and the quota; who may attach, read and remove
them; the locks of closed quarters and of submitted or validated ones; the pages and the quarterly report."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.uploads import MAX_BYTES, UploadError, identify_document, read_upload, safe_name
from indicators.enums import EvidenceHolder
from indicators.evidence import Target, evidence_add, evidence_delete
from indicators.models import Evidence
from indicators.reviews import review_submit, review_validate
from indicators.services import indicator_delete, quarter_close, share_link_create
from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan
from tests.plans.factories import MeetingFactory, MembershipFactory, PlanFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def archive(members: dict, *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


ODT = archive({"mimetype": "application/vnd.oasis.opendocument.text", "META-INF/manifest.xml": "<m/>"})
ODS = archive({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "META-INF/manifest.xml": "<m/>"})
DOCX = archive({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = archive({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def upload(name="compte-rendu.pdf", data=PDF):
    return SimpleUploadedFile(name, data)


class TestKinds:
    @pytest.mark.parametrize(
        "data, kind",
        [(PDF, "pdf"), (ODT, "odt"), (ODS, "ods"), (DOCX, "docx"), (XLSX, "xlsx")],
        ids=["pdf", "odt", "ods", "docx", "xlsx"],
    )
    def test_documents_are_told_by_their_content(self, data, kind):
        assert identify_document(data) == kind

    def test_images_are_told_by_their_content_and_checked(self):
        assert identify_document(png()) == "png"
        assert identify_document(jpeg()) == "jpeg"
        with pytest.raises(UploadError, match="image est endommagée"):
            identify_document(png()[:40])

    @pytest.mark.parametrize(
        "data, message",
        [
            (b"", "vide"),
            (b"MZ\x90\x00 a Windows program", "pas d'un type accepté"),
            (b"Nom;Valeur\nSeances;12\n", "pas d'un type accepté"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ancien format Office"),
            (b"%PDF-1.7\n/Encrypt 5 0 R\n%%EOF", "protégé par un mot de passe"),
            (archive({"notes.txt": "x"}), "pas d'un type accepté"),
            (b"PK\x03\x04 broken", "endommagé"),
        ],
        ids=["empty", "program", "csv", "ole", "encrypted-pdf", "other-zip", "broken-zip"],
    )
    def test_refused_with_a_reason(self, data, message):
        with pytest.raises(UploadError, match=message):
            identify_document(data)

    def test_a_zip_bomb_is_not_opened(self):
        bomb = archive({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "0" * 20_000_000})
        assert len(bomb) < 100_000
        with pytest.raises(UploadError, match="décompresse"):
            identify_document(bomb)

    def test_a_file_renamed_to_another_kind_is_refused(self):
        with pytest.raises(UploadError, match="son contenu est un fichier tableur ODS"):
            read_upload(upload("rapport.pdf", ODS))
        with pytest.raises(UploadError, match="pas d'un type accepté"):
            read_upload(upload("rapport.pdf", b"MZ\x90\x00 not a pdf at all"))

    def test_a_50_mb_file_is_refused_before_it_is_read(self):
        big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (50 * 1024 * 1024))
        with pytest.raises(UploadError, match="dépasse 10 Mo"):
            read_upload(big)

    @pytest.mark.parametrize(
        "name, kind, expected",
        [
            ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
            ("C:\\Users\\mairie\\Bureau\\CR comité.pdf", "pdf", "CR comité.pdf"),
            ("rapport\x07\x0bfinal\x00.PDF", "pdf", "rapport final.pdf"),
            ("feuille<d>'émargement?.jpeg", "jpeg", "feuille_d_'émargement.jpg"),
            ("...", "png", "document.png"),
            ("photo sans extension", "png", "photo sans extension.png"),
            ("a" * 300 + ".odt", "odt", "a" * 116 + ".odt"),
        ],
    )
    def test_names_are_made_safe(self, name, kind, expected):
        assert safe_name(name, kind) == expected


@pytest.fixture
def world(db):
    world = second_year_plan(actions=3, indicators=2)
    world.lead = world.users["lead"]
    world.led = next(a for a in world.actions if a.lead_id == world.lead.partner_id)
    world.other_action = next(a for a in world.actions if a.lead_id != world.lead.partner_id)
    world.indicator = world.led.indicators.order_by("pk").first()
    world.coordinator = world.users[MemberRole.COORDINATOR]
    return world


def value_target(world, period=None):
    return Target(EvidenceHolder.VALUE, action=world.led, indicator=world.indicator, period=period or world.open)


def attach(world, by=None, name="compte-rendu.pdf", data=PDF, target=None):
    return evidence_add(
        plan=world.plan, by=by or world.lead, target=target or value_target(world), upload=upload(name, data)
    )


def quarter_url(world, action=None):
    return reverse("indicators:quarter_evidence", args=[world.plan.pk, 2026, 3, (action or world.led).pk])


class TestAttach:
    def test_the_lead_attaches_to_its_value_and_progress(self, world):
        evidence = attach(world)
        assert (evidence.name, evidence.kind, evidence.size, evidence.uploaded_by) == (
            "compte-rendu.pdf",
            "pdf",
            len(PDF),
            world.lead,
        )
        assert evidence.file.name.startswith(f"preuves/{world.plan.pk}/{evidence.pk.hex}")
        assert "compte-rendu" not in evidence.file.name  # stored under a random name
        with evidence.file.open("rb") as handle:
            assert handle.read() == PDF
        progress = Target(EvidenceHolder.PROGRESS, action=world.led, period=world.open)
        assert attach(world, target=progress, name="photo.png", data=png()).kind == "png"

    def test_who_may_attach(self, world):
        with pytest.raises(PermissionDenied):  # a contributor, on an action its organisation does not lead
            other = world.other_action
            target = Target(EvidenceHolder.VALUE, action=other, indicator=other.indicators.first(), period=world.open)
            attach(world, target=target)
        with pytest.raises(PermissionDenied):
            attach(world, by=world.users[MemberRole.VIEWER])
        meeting = MeetingFactory(plan=world.plan)
        with pytest.raises(PermissionDenied):  # meetings: the coordinator's
            attach(world, target=Target(EvidenceHolder.MEETING, meeting=meeting))
        assert attach(world, by=world.coordinator, target=Target(EvidenceHolder.MEETING, meeting=meeting))

    def test_nothing_of_another_plan(self, world):
        other = second_year_plan(actions=1, indicators=1)
        foreign = other.actions[0]
        target = Target(EvidenceHolder.VALUE, action=foreign, indicator=foreign.indicators.first(), period=world.open)
        with pytest.raises(PermissionDenied):
            attach(world, by=world.coordinator, target=target)

    def test_a_closed_quarter_takes_no_file(self, world):
        with pytest.raises(ValidationError, match="clos"):
            attach(world, target=value_target(world, world.closed), by=world.coordinator)
        assert not Evidence.objects.exists()

    def test_the_plan_quota(self, world, settings):
        settings.EVIDENCE_PLAN_QUOTA = len(PDF) * 2
        attach(world)
        attach(world)
        with pytest.raises(ValidationError, match="n'y tient pas") as refused:
            attach(world)
        assert "file" in refused.value.message_dict
        assert Evidence.objects.count() == 2


class TestLocks:
    def test_submitted_or_validated_files_stay(self, world):
        evidence = attach(world)
        review = review_submit(action=world.led, period=world.open, by=world.lead)
        with pytest.raises(ValidationError, match="Soumis pour validation"):
            attach(world)
        with pytest.raises(ValidationError, match="Soumis pour validation"):
            evidence_delete(evidence=evidence, by=world.lead)
        review_validate(review=review, by=world.coordinator)
        with pytest.raises(ValidationError, match="Validé"):
            evidence_delete(evidence=evidence, by=world.coordinator)
        assert Evidence.objects.filter(pk=evidence.pk).exists()

    def test_an_indicator_whose_value_has_a_file_in_a_closed_quarter_stays(self, world):
        evidence = attach(world, by=world.coordinator)
        quarter_close(period=world.open, by=world.coordinator, confirm_pending=True)
        with pytest.raises(ValidationError):
            indicator_delete(indicator=world.indicator, by=world.coordinator)
        assert Evidence.objects.filter(pk=evidence.pk).exists()

    def test_deleting_is_recorded_and_removes_the_stored_file(self, world, django_capture_on_commit_callbacks):
        evidence = attach(world)
        storage, stored = evidence.file.storage, evidence.file.name
        with django_capture_on_commit_callbacks(execute=True):
            evidence_delete(evidence=evidence, by=world.lead)
        assert not Evidence.objects.exists()
        assert not storage.exists(stored)
        deleted = Evidence.history.filter(id=evidence.pk, history_type="-").get()
        assert (deleted.name, deleted.history_user) == ("compte-rendu.pdf", world.lead)
        from plans.selectors.history import plan_history

        entries = [
            (e["kind"], e["object"], e["verb"])
            for e in plan_history(plan=world.plan)
            if e["object"] == "compte-rendu.pdf"
        ]
        assert [(str(kind), name) for kind, name, _verb in entries] == [
            ("Pièce justificative", "compte-rendu.pdf")
        ] * 2

    def test_a_contributor_removes_only_its_own_files(self, world):
        evidence = attach(world, by=world.coordinator)
        with pytest.raises(PermissionDenied):
            evidence_delete(evidence=evidence, by=world.lead)
        evidence_delete(evidence=evidence, by=world.users[MemberRole.EDITOR])


class TestPages:
    def test_upload_then_download(self, client, world):
        client.force_login(world.lead)
        page = client.get(quarter_url(world))
        assert page.status_code == 200
        assert f"i{world.indicator.pk}" in dict(page.context["form"].fields["target"].choices)
        response = client.post(quarter_url(world), {"target": f"i{world.indicator.pk}", "file": upload("CR.pdf")})
        assert response.status_code == 302
        evidence = Evidence.objects.get()
        client.force_login(world.users[MemberRole.VIEWER])  # every member reads them
        download = client.get(reverse("indicators:evidence_file", args=[world.plan.pk, evidence.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="CR.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download["Cache-Control"]
        quarter = client.get(reverse("indicators:quarter", args=[world.plan.pk, 2026, 3]))
        assert "1 pièce justificative" in quarter.text

    def test_bad_files_get_a_message_next_to_the_field(self, client, world):
        client.force_login(world.lead)
        for name, data, message in [
            ("rapport.pdf", b"Ceci est un texte", "pas d&#x27;un type accepté"),
            ("gros.pdf", b"%PDF-" + b"0" * (MAX_BYTES + 10), "dépasse 10 Mo"),
            ("tableau.pdf", ODS, "son contenu est un fichier tableur ODS"),
        ]:
            response = client.post(quarter_url(world), {"target": "avancement", "file": upload(name, data)})
            assert response.status_code == 400
            assert message in response.text
            assert response.context["form"].errors["file"]
        response = client.post(quarter_url(world), {"target": "avancement"})
        assert response.status_code == 400 and "Choisissez un fichier" in response.text
        response = client.post(quarter_url(world), {"target": "i999999", "file": upload()})
        assert response.status_code == 400  # not a choice of this page
        assert not Evidence.objects.exists()

    def test_readers_and_other_leads_see_no_form_and_cannot_post(self, client, world):
        client.force_login(world.users[MemberRole.VIEWER])
        assert client.get(quarter_url(world)).context["form"] is None
        assert client.post(quarter_url(world), {"target": "avancement", "file": upload()}).status_code == 403
        client.force_login(world.lead)
        other = quarter_url(world, world.other_action)
        assert client.post(other, {"target": "avancement", "file": upload()}).status_code == 403

    def test_files_are_reachable_by_members_only(self, client, world):
        evidence = attach(world)
        url = reverse("indicators:evidence_file", args=[world.plan.pk, evidence.pk])
        outsider = MembershipFactory(plan=PlanFactory(), role=MemberRole.COORDINATOR).user
        client.force_login(outsider)
        assert client.get(url).status_code == 404  # another plan's coordinator: not even told it exists
        assert client.post(reverse("indicators:evidence_remove", args=[world.plan.pk, evidence.pk])).status_code == 404
        own_plan = outsider.memberships.get().plan
        assert client.get(reverse("indicators:evidence_file", args=[own_plan.pk, evidence.pk])).status_code == 404
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "connexion" in response["Location"]  # the login page, no file
        _link, token = share_link_create(plan=world.plan, by=world.coordinator, label="Préfecture", days=30)
        shared = client.get(reverse("shared_dashboard", args=[token]))
        assert shared.status_code == 200 and "/pieces/" not in shared.text
        assert Evidence.objects.filter(pk=evidence.pk).exists()

    def test_remove_from_the_page(self, client, world):
        evidence = attach(world)
        client.force_login(world.lead)
        response = client.post(
            reverse("indicators:evidence_remove", args=[world.plan.pk, evidence.pk]), {"next": "https://evil.example/"}
        )
        assert response.status_code == 302 and response["Location"] == quarter_url(world)
        assert not Evidence.objects.exists()

    def test_action_and_meeting_pages(self, client, world):
        client.force_login(world.lead)
        url = reverse("indicators:action_evidence", args=[world.plan.pk, world.led.pk])
        assert client.post(url, {"target": "action", "file": upload("programme.docx", DOCX)}).status_code == 302
        attach(world)
        page = client.get(url)
        assert "programme.docx" in page.text and "compte-rendu.pdf" in page.text and "T3 2026" in page.text
        detail = client.get(reverse("plans:action_detail", args=[world.plan.pk, world.led.pk]))
        assert "2 pièces" in detail.text
        meeting = MeetingFactory(plan=world.plan)
        url = reverse("indicators:meeting_evidence", args=[world.plan.pk, meeting.pk])
        assert client.post(url, {"target": "reunion", "file": upload("emargement.jpg", jpeg())}).status_code == 403
        client.force_login(world.coordinator)
        assert client.post(url, {"target": "reunion", "file": upload("emargement.jpg", jpeg())}).status_code == 302
        assert meeting.evidence.get().name == "emargement.jpg"

    def test_the_quarterly_report_lists_each_values_files(self, client, world):
        attach(world, name="feuille d'émargement.pdf")
        client.force_login(world.users[MemberRole.VIEWER])
        report = client.get(reverse("indicators:report_quarter", args=[world.plan.pk, 2026, 3]))
        assert "feuille d&#x27;émargement.pdf" in report.text
        section = next(s for s in report.context["report"].sections if s.key == "indicateurs")
        files = [row[-2] for row in section.rows if world.indicator.label in row]
        assert files == ["feuille d'émargement.pdf"]


def test_the_quarter_evidence_page_reads_in_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.lead)
    counts = []
    for files in (1, 6):
        while Evidence.objects.count() < files:
            attach(world)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(quarter_url(world)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
