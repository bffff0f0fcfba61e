"""Certificates: eligibility as the summaries count it, exceptions, the register, verification,
and batches that are all-or-nothing."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from otop_desktop.db.local_models import ChangeLog
from otop_desktop.db.models import Certificate
from otop_desktop.domain.certificate_codes import normalise_code
from otop_desktop.domain.certificate_eligibility import CertificateStatus
from otop_desktop.domain.errors import OperationCancelled, ValidationError
from otop_desktop.services import attendance, enrollments, organisations, trainees, workshops
from otop_desktop.services import certificates as certs
from otop_desktop.services.context import AppContext
from otop_desktop.services.dump import dump_text
from otop_desktop.services.trainee_merge import merge_trainees
from tests.helpers import new_context
from tests.sync.sync_harness import Cluster

DAYS = [dt.date(2026, 9, d) for d in (1, 2, 3, 4, 5)]
TODAY = dt.date(2026, 9, 10)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path / "db")
    yield context
    context.close()


def _workshop(ctx: AppContext, **fields: object) -> tuple[str, list[str]]:
    values: dict[str, object] = {
        "title": "Cerámica de Valle de Ángeles",
        "country": "HN",
        "town": "Valle de Ángeles",
        "languages": "es",
    }
    values.update(fields)
    w = workshops.create_workshop(ctx, **values)
    sessions = [workshops.add_session(ctx, w.id, d, hours=2.5).id for d in DAYS]
    return w.id, sessions


def _trainee(ctx: AppContext, workshop_id: str, given: str, family: str, **more: str) -> str:
    t = trainees.add_trainee(ctx, given_names=given, family_names=family, **more)
    enrollments.enrol(ctx, workshop_id, t.id)
    return t.id


def _marks(ctx: AppContext, sessions: list[str], trainee_id: str, statuses: str) -> None:
    codes = {"P": "present", "L": "late", "E": "excused", "A": "absent"}
    for session_id, code in zip(sessions, statuses, strict=False):
        if code != "-":
            attendance.mark(ctx, session_id, trainee_id, codes[code], today=TODAY)


def _class(ctx: AppContext, **fields: object) -> tuple[str, list[str], dict[str, str]]:
    """Ana 80 % present, Beto 80 % with a late, Carla 60 % + excused, Dora 60 %."""
    w, sessions = _workshop(ctx, **fields)
    people = {
        "ana": _trainee(ctx, w, "María Fernanda", "López Reyes"),
        "beto": _trainee(ctx, w, "Beto", "Alvarado"),
        "carla": _trainee(ctx, w, "Carla", "Díaz"),
        "dora": _trainee(ctx, w, "Dora", "Zelaya", chinese_name="陳美玲"),
    }
    _marks(ctx, sessions, people["ana"], "PPPPA")
    _marks(ctx, sessions, people["beto"], "PPPLA")
    _marks(ctx, sessions, people["carla"], "PPPEA")
    _marks(ctx, sessions, people["dora"], "PPPAA")
    return w, sessions, people


def _by_id(found: certs.CertificateCandidates) -> dict[str, certs.CertificateCandidate]:
    return {c.trainee_id: c for c in found.candidates}


def _fake_pdf_writers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replace the PDF drawing by tiny files (the PDF itself has its own tests)."""
    from otop_desktop.reports import certificate as printing

    calls: list[int] = []

    def one(pages, out, *, languages, paper, report=None, cancelled=None):  # type: ignore[no-untyped-def]
        calls.append(len(pages))
        for done in range(len(pages)):
            if cancelled is not None and cancelled():
                raise OperationCancelled()
            if report is not None:
                report(done + 1, len(pages))
        Path(out).write_bytes(b"%PDF-1.4 " + ",".join(languages).encode() + paper.encode())
        return Path(out)

    def files(pages, folder, *, languages, paper, report=None, cancelled=None):  # type: ignore[no-untyped-def]
        out = []
        for page in pages:
            if cancelled is not None and cancelled():
                for path in out:
                    path.unlink()
                raise OperationCancelled()
            path = Path(folder) / printing.certificate_file_name(page)
            path.write_bytes(b"%PDF-1.4")
            out.append(path)
        return out

    monkeypatch.setattr(printing, "write_certificates", one)
    monkeypatch.setattr(printing, "write_certificate_files", files)
    return calls


# --- eligibility ------------------------------------------------------------------------------


def test_eligibility_at_the_boundary_and_by_the_workshops_rule(ctx: AppContext) -> None:
    w, _sessions, p = _class(ctx, min_attendance_rate=80)
    found = certs.certificate_candidates(ctx, w, today=TODAY)
    c = _by_id(found)
    assert found.min_rate == 0.8 and found.sessions_held == 5
    assert found.languages == ("es",) and found.paper == "letter" and found.notice is None
    assert c[p["ana"]].rate == pytest.approx(0.8) and c[p["ana"]].eligible  # 80 % meets 80 %
    assert c[p["beto"]].eligible  # late counts by default
    assert not c[p["carla"]].eligible  # excused does not
    assert not c[p["dora"]].eligible and c[p["dora"]].status is CertificateStatus.NOT_ELIGIBLE
    assert c[p["ana"]].sessions_attended == 4 and c[p["ana"]].hours_attended == 10.0
    assert c[p["dora"]].hours_attended == 7.5
    assert c[p["dora"]].name == "Dora Zelaya" and c[p["dora"]].chinese_name == "陳美玲"
    # Sorted like the trainee list: Alvarado, Díaz, López Reyes, Zelaya.
    assert [x.trainee_id for x in found.candidates] == [
        p["beto"],
        p["carla"],
        p["ana"],
        p["dora"],
    ]

    workshops.edit_workshop(ctx, w, min_attendance_rate=81, excused_counts=True)
    c = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))
    assert not c[p["ana"]].eligible  # 80 % misses 81 %
    workshops.edit_workshop(ctx, w, min_attendance_rate=79, late_counts=False)
    c = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))
    assert c[p["ana"]].eligible and c[p["carla"]].eligible  # excused now counts
    assert not c[p["beto"]].eligible  # late no longer does


def test_merged_trainee_counts_as_the_survivor(ctx: AppContext) -> None:
    w, sessions = _workshop(ctx)
    survivor = _trainee(ctx, w, "Ana", "Zúñiga")
    duplicate = trainees.add_trainee(ctx, given_names="Ana", family_names="Zuniga").id
    enrollments.enrol(ctx, w, duplicate)
    _marks(ctx, sessions, survivor, "PP---")
    _marks(ctx, sessions, duplicate, "--PP-")
    merge_trainees(ctx, survivor, duplicate)
    found = certs.certificate_candidates(ctx, w, today=TODAY)
    assert [(c.trainee_id, c.rate, c.eligible) for c in found.candidates] == [
        (survivor, pytest.approx(0.8), True)
    ]


def test_workshop_without_sessions_says_so(ctx: AppContext, tmp_path: Path) -> None:
    w = workshops.create_workshop(ctx, title="Bambú").id
    _trainee(ctx, w, "Ana", "López")
    found = certs.certificate_candidates(ctx, w, today=TODAY)
    assert found.notice is not None and "no sessions" in found.notice
    assert found.candidates[0].rate is None and not found.candidates[0].eligible
    with pytest.raises(ValidationError, match="has no sessions"):
        certs.write_certificate_batch(ctx, w, tmp_path / "c.pdf", today=TODAY)
    assert not (tmp_path / "c.pdf").exists()


# --- exceptions -------------------------------------------------------------------------------


def test_exception_is_recorded_as_a_change_and_can_be_withdrawn(ctx: AppContext) -> None:
    w, _s, p = _class(ctx)
    with pytest.raises(ValidationError) as caught:
        certs.grant_exception(ctx, w, p["dora"], "   ")
    assert caught.value.field == "reason"
    certs.grant_exception(ctx, w, p["dora"], "Ausencia  médica ")
    dora = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))[p["dora"]]
    assert dora.may_print and not dora.eligible and dora.exception_reason == "Ausencia médica"
    assert dora.status is CertificateStatus.EXCEPTION and dora.code is None
    with ctx.read() as session:
        row = session.get(Certificate, dora.certificate_id)
        assert row is not None and row.issued_at is None and row.trainee_id == p["dora"]
        payloads = [
            json.loads(c.payload)
            for c in session.scalars(select(ChangeLog).where(ChangeLog.row_id == row.id))
        ]
    assert payloads and payloads[0]["exception_reason"] == "Ausencia médica"

    certs.withdraw_exception(ctx, w, p["dora"])
    dora = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))[p["dora"]]
    assert not dora.may_print and dora.exception_reason is None
    with pytest.raises(ValidationError, match="no exception"):
        certs.withdraw_exception(ctx, w, p["dora"])
    certs.grant_exception(ctx, w, p["dora"], "Cuidó a su madre")  # the row comes back
    assert _by_id(certs.certificate_candidates(ctx, w, today=TODAY))[p["dora"]].may_print


def test_exception_needs_a_trainee_of_the_workshop(ctx: AppContext) -> None:
    w, _s, _p = _class(ctx)
    stranger = trainees.add_trainee(ctx, given_names="Rosa", family_names="Paz").id
    with pytest.raises(ValidationError, match="Rosa Paz is not a trainee"):
        certs.grant_exception(ctx, w, stranger, "x")


def test_exception_cannot_be_withdrawn_once_printed(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, p = _class(ctx)
    certs.grant_exception(ctx, w, p["dora"], "Ausencia médica")
    certs.write_certificate_batch(ctx, w, tmp_path / "d.pdf", trainee_ids=[p["dora"]], today=TODAY)
    with pytest.raises(ValidationError, match="already printed"):
        certs.withdraw_exception(ctx, w, p["dora"])


# --- printing and the register ----------------------------------------------------------------


def test_batch_prints_who_may_and_reprint_keeps_code_and_date(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _fake_pdf_writers(monkeypatch)
    w, _s, p = _class(ctx)
    certs.grant_exception(ctx, w, p["dora"], "Ausencia médica")
    progress: list[tuple[int, int]] = []
    out = tmp_path / "out"
    out.mkdir()
    result = certs.write_certificate_batch(
        ctx, w, out / "all", report=lambda d, t: progress.append((d, t)), today=TODAY
    )
    assert result.paths == [out / "all.pdf"] and result.count == 3 and calls == [3]
    assert (out / "all.pdf").read_bytes().endswith(b"esletter")
    assert progress[-1] == (3, 3)
    assert [x.name for x in out.iterdir()] == ["all.pdf"]  # no temp file left
    found = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))
    printed = {t: found[t] for t in (p["beto"], p["ana"], p["dora"])}
    assert all(c.status is CertificateStatus.ISSUED for c in printed.values())
    assert [c.code for c in printed.values()] == result.codes
    assert found[p["carla"]].code is None
    first = {t: (c.code, c.issued_at) for t, c in printed.items()}
    assert printed[p["ana"]].language == "es"

    again = certs.write_certificate_batch(
        ctx,
        w,
        tmp_path / "ana.pdf",
        trainee_ids=[p["ana"]],
        languages=("es", "zh_Hant_TW"),
        paper="a4",
        today=TODAY + dt.timedelta(days=3),
    )
    ana = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))[p["ana"]]
    assert again.codes == [first[p["ana"]][0]] and (ana.code, ana.issued_at) == first[p["ana"]]
    assert ana.language == "es,zh_Hant_TW"
    pages = certs.certificate_pages(ctx, w, [ana], today=TODAY + dt.timedelta(days=9))
    assert pages[0].issued_on == dt.datetime.fromisoformat(ana.issued_at or "").astimezone().date()
    assert pages[0].trainee_name == "María Fernanda López Reyes" and pages[0].rate == 0.8


def test_page_facts_come_from_the_workshop(ctx: AppContext) -> None:
    w, _s, p = _class(ctx, programme="OTOP Honduras", trainers="Lin Wei-ting")
    org = organisations.add_organisation(ctx, name="Misión Técnica de Taiwán").id
    workshops.add_partner(ctx, w, org)
    dora = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))[p["dora"]]
    page = certs.certificate_pages(ctx, w, [dora], today=TODAY)[0]
    assert (page.trainee_name, page.chinese_name) == ("Dora Zelaya", "陳美玲")
    assert page.partners == ("Misión Técnica de Taiwán",) and page.trainers == "Lin Wei-ting"
    assert (page.start_date, page.end_date) == (DAYS[0], DAYS[-1])  # from the sessions
    assert page.town == "Valle de Ángeles" and page.country == "HN"
    assert page.sessions_attended == 3 and page.sessions_held == 5 and page.issued_on == TODAY
    assert page.code == certs.code_for(w, p["dora"])


def test_refuses_someone_neither_eligible_nor_excepted(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, p = _class(ctx)
    before = dump_text(ctx)
    with pytest.raises(ValidationError) as caught:
        certs.write_certificate_batch(
            ctx, w, tmp_path / "c.pdf", trainee_ids=[p["ana"], p["dora"]], today=TODAY
        )
    assert "陳美玲 (Dora Zelaya) (60%)" in caught.value.message
    assert dump_text(ctx) == before and not (tmp_path / "c.pdf").exists()
    with pytest.raises(ValidationError):
        certs.write_certificate_batch(ctx, w, tmp_path / "c.pdf", languages="es,fr")


def test_unwritable_target_leaves_register_and_folder_untouched(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, _p = _class(ctx)
    before = dump_text(ctx)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ValidationError, match="cannot be written"):
        certs.write_certificate_batch(ctx, w, blocker / "c.pdf", today=TODAY)
    with pytest.raises(ValidationError, match="cannot be written"):
        certs.write_certificate_batch(
            ctx, w, blocker / "out", one_file_per_trainee=True, today=TODAY
        )
    assert dump_text(ctx) == before


def test_commit_failure_leaves_no_file(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, _p = _class(ctx)
    before = dump_text(ctx)

    def broken(*_args: object) -> None:
        raise ValidationError("disk full")

    monkeypatch.setattr(certs, "_record", broken)
    out = tmp_path / "out"
    out.mkdir()
    for path, folder in ((out / "c.pdf", False), (out / "each", True)):
        with pytest.raises(ValidationError, match="disk full"):
            certs.write_certificate_batch(ctx, w, path, one_file_per_trainee=folder, today=TODAY)
    assert list(out.iterdir()) == [] and dump_text(ctx) == before


@pytest.mark.parametrize("folder", [False, True])
def test_cancel_leaves_register_and_folder_untouched(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: bool
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, _p = _class(ctx)
    before = dump_text(ctx)
    asked = [0]

    def cancelled() -> bool:
        asked[0] += 1
        return asked[0] > 2  # cancelled while the pages are drawn

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OperationCancelled):
        certs.write_certificate_batch(
            ctx, w, out / "c", one_file_per_trainee=folder, cancelled=cancelled, today=TODAY
        )
    assert list(out.iterdir()) == [] and dump_text(ctx) == before


def test_one_file_per_trainee(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, _p = _class(ctx)
    result = certs.write_certificate_batch(
        ctx, w, tmp_path / "new" / "certs", one_file_per_trainee=True, today=TODAY
    )
    names = sorted(x.name for x in (tmp_path / "new" / "certs").iterdir())
    assert names == sorted(x.name for x in result.paths) and len(names) == 2
    assert any(name.startswith("Lopez Reyes Maria Fernanda - ") for name in names)


def test_two_laptops_issue_the_same_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pdf_writers(monkeypatch)
    cluster = Cluster(tmp_path / "c", 2)
    try:
        a, b = (r.ctx for r in cluster.replicas)
        w, _s, p = _class(a)
        cluster.gossip()
        first = certs.write_certificate_batch(a, w, tmp_path / "a.pdf", today=TODAY)
        second = certs.write_certificate_batch(b, w, tmp_path / "b.pdf", today=TODAY)
        assert first.codes == second.codes and len(first.codes) == 2
        cluster.gossip()
        assert cluster.replicas[0].dump() == cluster.replicas[1].dump()
        with a.read() as session:
            rows = list(session.scalars(select(Certificate)))
        assert len(rows) == 2  # one row per certificate, not one per laptop
        assert certs.verify_certificate(b, first.codes[0]).genuine
    finally:
        cluster.close()


# --- verification -----------------------------------------------------------------------------


def test_verify_genuine_unknown_malformed_and_unprinted(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, p = _class(ctx)
    result = certs.write_certificate_batch(ctx, w, tmp_path / "c.pdf", today=TODAY)
    code = result.codes[1]  # María Fernanda López Reyes
    typed = code.lower().replace("-", " ").replace("0", "o")
    v = certs.verify_certificate(ctx, typed)
    assert v.genuine and v.code == code and v.trainee_name == "María Fernanda López Reyes"
    assert v.workshop_title == "Cerámica de Valle de Ángeles" and v.rate == 0.8
    assert "Genuine" in v.message and "María Fernanda López Reyes" in v.message

    other = certs.code_for(w, "somebody-else")
    v = certs.verify_certificate(ctx, other)
    assert not v.genuine and "no certificate with the code" in v.message

    with pytest.raises(ValidationError):
        certs.verify_certificate(ctx, code[:-1] + ("X" if code[-1] != "X" else "Y"))

    certs.grant_exception(ctx, w, p["dora"], "Ausencia médica")
    v = certs.verify_certificate(ctx, certs.code_for(w, p["dora"]))
    assert not v.genuine and "never printed" in v.message and v.chinese_name == "陳美玲"


def test_verify_follows_merges_and_refuses_deleted_records(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, p = _class(ctx)
    result = certs.write_certificate_batch(ctx, w, tmp_path / "c.pdf", today=TODAY)
    beto_code, ana_code = result.codes
    survivor = trainees.add_trainee(ctx, given_names="Roberto", family_names="Alvarado").id
    merge_trainees(ctx, survivor, p["beto"])
    v = certs.verify_certificate(ctx, beto_code)
    assert v.genuine and v.trainee_name == "Roberto Alvarado" and "Roberto Alvarado" in v.message

    trainees.delete_trainee(ctx, p["ana"])
    v = certs.verify_certificate(ctx, ana_code)
    assert not v.genuine and "deleted" in v.message
    workshops.delete_workshop(ctx, w)
    v = certs.verify_certificate(ctx, beto_code)
    assert not v.genuine and "deleted" in v.message


def test_certificate_of_a_merged_duplicate_counts_for_the_survivor(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pdf_writers(monkeypatch)
    w, _s, p = _class(ctx)
    result = certs.write_certificate_batch(
        ctx, w, tmp_path / "c.pdf", trainee_ids=[p["ana"]], today=TODAY
    )
    survivor = _trainee(ctx, w, "María", "López")
    merge_trainees(ctx, survivor, p["ana"])
    found = _by_id(certs.certificate_candidates(ctx, w, today=TODAY))
    assert found[survivor].code == result.codes[0]  # a reprint keeps the printed code
    again = certs.write_certificate_batch(
        ctx, w, tmp_path / "d.pdf", trainee_ids=[p["ana"]], today=TODAY
    )
    assert again.codes == result.codes


def test_codes_are_well_formed() -> None:
    code = certs.code_for("w", "t")
    assert normalise_code(code) == code


def test_cli_module_imports_without_qt() -> None:
    # The CLI and services must not pull Qt in (house rule).
    script = (
        "import sys, otop_desktop.cli_certificates, otop_desktop.services.certificates; "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", script], check=False).returncode == 0
