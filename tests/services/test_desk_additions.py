"""First-run set-up, a workshop saved with its partners, organisation counts, undoing deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

from otop_desktop.domain.errors import ValidationError
from otop_desktop.services.demo import build_demo
from otop_desktop.services.laptop import (
    finish_first_run,
    first_run_done,
    rename_laptop,
    should_offer_demo,
    this_laptop,
)
from otop_desktop.services.organisations import (
    add_organisation,
    delete_organisation,
    edit_organisation,
    list_organisations,
    organisation_summaries,
    undelete_organisation,
)
from otop_desktop.services.trainees import add_trainee
from otop_desktop.services.workshops import (
    add_session,
    delete_session,
    delete_workshop,
    list_sessions,
    list_workshops,
    partner_ids,
    save_workshop,
    undelete_session,
    undelete_workshop,
)
from otop_desktop.sync import crypto
from tests.helpers import new_context


def test_first_run_names_the_laptop_and_adds_the_demo_only_when_asked(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "a")
    assert not first_run_done(ctx)

    assert finish_first_run(ctx, "Portátil Copán", None, demo=False) is None

    assert first_run_done(ctx)
    assert this_laptop(ctx).device_name == "Portátil Copán"
    assert list_workshops(ctx) == []
    assert not should_offer_demo(ctx)  # declined once: never offered again


def test_first_run_with_demo_and_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "SCRYPT_N", 1 << 10)
    ctx = new_context(tmp_path / "b")

    summary = finish_first_run(
        ctx, "陳美玲的筆電", "mangoes and bamboo", "mangoes and bamboo", demo=True
    )

    assert summary is not None and len(list_workshops(ctx)) == 3
    assert this_laptop(ctx).has_passphrase


def test_a_bad_first_run_saves_nothing(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "c")
    with pytest.raises(ValidationError) as caught:
        finish_first_run(ctx, "Laptop", "short", "short", demo=True)
    assert caught.value.field == "passphrase"
    with pytest.raises(ValidationError) as caught:
        finish_first_run(ctx, "  ", "mangoes and bamboo", "mangoes and bamboo", demo=True)
    assert caught.value.field == "device_name"

    assert not first_run_done(ctx)
    assert not this_laptop(ctx).has_passphrase
    assert this_laptop(ctx).device_name == "laptop"
    assert list_workshops(ctx) == []


def test_renaming_in_settings_also_ends_the_first_run(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "d")
    rename_laptop(ctx, "Laptop Rabinal")
    assert first_run_done(ctx)


def test_a_workshop_is_saved_with_its_partners_in_one_go(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "e")
    coop = add_organisation(ctx, name="Cooperativa Flor de Café", org_kind="cooperative")
    ngo = add_organisation(ctx, name="Manos Unidas", org_kind="ngo")

    created = save_workshop(ctx, None, partners=[coop.id], title="Bambú", country="HN")
    assert partner_ids(ctx, created.id) == [coop.id]

    edited = save_workshop(ctx, created.id, partners=[ngo.id], town="Copán Ruinas")
    assert (edited.title, edited.town) == ("Bambú", "Copán Ruinas")
    assert partner_ids(ctx, created.id) == [ngo.id]

    save_workshop(ctx, created.id, partners=[ngo.id, coop.id])
    assert set(partner_ids(ctx, created.id)) == {coop.id, ngo.id}  # the old link revived
    save_workshop(ctx, created.id, title="Bambú 2")  # partners not given: left as they are
    assert len(partner_ids(ctx, created.id)) == 2

    with pytest.raises(ValidationError):
        save_workshop(ctx, created.id, partners=[], title="")
    assert len(partner_ids(ctx, created.id)) == 2  # nothing of a refused save is kept


def test_undoing_deletes_brings_workshops_and_sessions_back(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "f")
    workshop = save_workshop(ctx, None, title="Cerámica")
    training = add_session(ctx, workshop.id, "2026-10-05", topic="Barro")

    delete_session(ctx, training.id)
    assert list_sessions(ctx, workshop.id) == []
    undelete_session(ctx, training.id)
    assert [s.id for s in list_sessions(ctx, workshop.id)] == [training.id]

    delete_workshop(ctx, workshop.id)
    assert list_workshops(ctx) == []
    undelete_workshop(ctx, workshop.id)
    assert [w.id for w in list_workshops(ctx)] == [workshop.id]


def test_organisation_counts_and_undo(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "g")
    build_demo(ctx, trainees=12, photos=0, sessions=1)
    org = add_organisation(ctx, name="Asociación de Artesanos", org_kind="community", country="GT")
    workshop = list_workshops(ctx)[0]
    save_workshop(ctx, workshop.id, partners=[*partner_ids(ctx, workshop.id), org.id])
    add_trainee(ctx, given_names="Ana", family_names="Xol", organisation_id=org.id)

    summary = {s.organisation.id: s for s in organisation_summaries(ctx)}[org.id]
    assert (summary.workshop_count, summary.trainee_count) == (1, 1)

    delete_workshop(ctx, workshop.id)
    summary = {s.organisation.id: s for s in organisation_summaries(ctx)}[org.id]
    assert summary.workshop_count == 0

    delete_organisation(ctx, org.id)
    assert org.id not in {o.id for o in list_organisations(ctx)}
    undelete_organisation(ctx, org.id)
    assert org.id in {o.id for o in list_organisations(ctx)}


def test_an_organisation_kind_can_be_cleared(tmp_path: Path) -> None:
    ctx = new_context(tmp_path / "h")
    org = add_organisation(ctx, name="Oficina municipal", org_kind="government")
    assert edit_organisation(ctx, org.id, org_kind=None).org_kind is None
