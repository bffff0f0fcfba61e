"""The follow-up table's trainees, read as light rows: the same list as the enrolled list gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from otop_desktop.domain.enums import EnrollmentRole
from otop_desktop.services import enrollments, trainee_merge, trainees, workshops
from otop_desktop.services.context import AppContext
from otop_desktop.services.follow_ups import follow_up_trainees
from tests.helpers import new_context


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


def _from_enrolled(ctx: AppContext, workshop_id: str) -> list[tuple[str, str]]:
    """What the table listed before: the enrolled list, trainers left out."""
    return [
        (e.trainee.id, e.trainee.display_name)
        for e in enrollments.list_enrolled(ctx, workshop_id)
        if e.role in ("", EnrollmentRole.TRAINEE.value)
    ]


def test_trainees_merges_trainers_and_withdrawn_as_the_enrolled_list(ctx: AppContext) -> None:
    w = workshops.create_workshop(ctx, title="Bambú", country="HN").id
    other = workshops.create_workshop(ctx, title="Jade", country="TW").id
    maria = trainees.add_trainee(ctx, given_names="María Fernanda", family_names="López Reyes")
    chen = trainees.add_trainee(
        ctx, chinese_name="陳美玲", given_names="Mei-ling", family_names="Chen"
    )
    lin = trainees.add_trainee(ctx, chinese_name="林志明")
    alvarez = trainees.add_trainee(ctx, given_names="Ana", family_names="Álvarez")
    dup = trainees.add_trainee(ctx, given_names="Maria", family_names="Lopez")
    only_dup = trainees.add_trainee(ctx, given_names="Jose", family_names="Zelaya")
    survivor = trainees.add_trainee(ctx, given_names="José", family_names="Zelaya")
    gone = trainees.add_trainee(ctx, given_names="Luis", family_names="Sic")
    trainer = trainees.add_trainee(ctx, given_names="Rosa", family_names="Mejía")
    elsewhere = trainees.add_trainee(ctx, given_names="Pedro", family_names="Paz")
    for t in (maria, chen, lin, alvarez, dup, only_dup, gone):
        enrollments.enrol(ctx, w, t.id)
    enrollments.enrol(ctx, w, trainer.id, role="trainer")
    enrollments.enrol(ctx, other, elsewhere.id)
    enrollments.withdraw(ctx, w, gone.id)
    trainee_merge.merge_trainees(ctx, maria.id, dup.id)  # both enrolled: listed once
    trainee_merge.merge_trainees(ctx, survivor.id, only_dup.id)  # shows as the survivor

    listed = follow_up_trainees(ctx, w)

    assert listed == _from_enrolled(ctx, w)
    names = [name for _id, name in listed]
    # Ordered as the enrolled list orders them (by family name as stored, then given names).
    assert names == [
        "陳美玲 (Mei-ling Chen)",
        "María Fernanda López Reyes",
        "José Zelaya",
        "Ana Álvarez",
        "林志明",
    ]
    assert listed[2][0] == survivor.id
    assert follow_up_trainees(ctx, other) == [(elsewhere.id, "Pedro Paz")]
