"""Issue 26: the quarterly PDF was 13 landscape pages with much white space, a heading alone at the foot of a
page and a budget table without a total. Read back with poppler (pdftotext, pdftoppm), as a reader would."""

import os
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.jobs import build_report
from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan

NEEDS_POPPLER = "poppler-utils (pdftotext, pdftoppm) is not installed: apt-get install poppler-utils"


def poppler():
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(NEEDS_POPPLER)  # .ci/run installs it
    pytest.skip(NEEDS_POPPLER)


@pytest.fixture
def pdf(db, client, tmp_path):
    poppler()
    world = second_year_plan(actions=6, indicators=1)
    for indicator in world.indicators[:5]:
        indicator.is_key = True
        indicator.save()
    client.force_login(world.users[MemberRole.VIEWER])
    response = client.get(
        reverse("indicators:report_quarter", args=[world.plan.pk, 2026, 3]), {"format": "pdf"}, follow=True
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "trimestre.pdf"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    return world, path


def pages(path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.stdout.split("\f")[:-1]]


def test_no_heading_is_left_alone_at_the_foot_of_a_page(pdf):
    world, path = pdf
    report = build_report(world.plan, "trimestre", {"year": 2026, "quarter": 3}, today=timezone.localdate())
    headings = {str(c.title) for c in report.charts if not c.small} | {str(s.title) for s in report.sections}
    headings |= {"Indicateurs clés au fil des trimestres", "Ce que le comité doit décider"}
    read = pages(path)
    assert len(read) >= 2
    for number, lines in enumerate(read, start=1):
        body = [line for line in lines if not line.startswith(world.plan.title) and "Page " not in line]
        assert body, f"page {number} is empty"
        assert body[-1] not in headings, f"page {number} ends with the heading « {body[-1]} »"


def test_compact_with_totals_under_the_money(pdf):
    world, path = pdf
    read = pages(path)
    assert len(read) <= 8, f"{len(read)} pages for a six-action plan"
    text = "\n".join(line for page in read for line in page)
    budget = text[text.index("Exécution budgétaire\nFinanceur") :]
    total = next(line for line in budget.splitlines() if line.startswith("Total "))
    assert total.endswith("100 %") and "18 000,00 €" in total  # pdftotext reads non-breaking spaces as spaces


def test_page_one_renders(pdf, tmp_path):
    _world, path = pdf
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("p*.png")))
    width, height = image.size
    assert width > height  # landscape
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # drawn, not blank
