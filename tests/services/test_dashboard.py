"""Dashboard figures of a small hand-made programme, every number worked out by hand here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from otop_desktop.db.models import Certificate, FollowUp, Product
from otop_desktop.domain.errors import ValidationError
from otop_desktop.i18n import set_locale
from otop_desktop.services import attendance, enrollments, trainees, workshops
from otop_desktop.services.attendance_summary import workshop_summary
from otop_desktop.services.context import AppContext
from otop_desktop.services.dashboard import (
    DashboardFigures,
    DashboardFilter,
    dashboard_figures,
    filter_choices,
)
from otop_desktop.services.exchange_rates import save_rate
from otop_desktop.services.follow_ups import follow_up_id
from otop_desktop.services.trainee_merge import merge_trainees
from tests.helpers import new_context

TODAY = dt.date(2026, 4, 1)  # A's third session (May) is still to come


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    context = new_context(tmp_path)
    yield context
    context.close()


@dataclass
class Programme:
    a: str
    b: str
    people: dict[str, str]


def _person(ctx: AppContext, given: str, **fields: object) -> str:
    return trainees.add_trainee(ctx, given_names=given, family_names="Prueba", **fields).id


def _follow_up(
    ctx: AppContext,
    workshop: str,
    trainee: str,
    period: str,
    day: dt.date,
    income: str | None = None,
    currency: str | None = None,
    paid: int | None = None,
    family: int | None = None,
    units: int | None = None,
) -> None:
    # Written straight through the ORM: the service would refuse the bad rows this test needs.
    with ctx.unit_of_work() as session:
        session.add(
            FollowUp(
                id=follow_up_id(workshop, trainee, period),
                trainee_id=trainee,
                workshop_id=workshop,
                period=period,
                date=day,
                monthly_income=Decimal(income) if income is not None else None,
                currency=currency,
                employed_paid=paid,
                employed_family=family,
                units_sold=units,
            )
        )


def _programme(ctx: AppContext) -> Programme:
    """Workshop A (HN, default rule: late counts, excused not) and B (TW: excused counts,
    late not). See the comments for who is where."""
    a = workshops.create_workshop(
        ctx, title="Bambú", country="HN", start_date="2026-01-10", end_date="2026-02-07"
    ).id
    b = workshops.create_workshop(
        ctx,
        title="陶藝",
        country="TW",
        start_date="2026-03-02",
        end_date="2026-03-30",
        late_counts=False,
        excused_counts=True,
    ).id
    s1, s2, _s3 = (
        workshops.add_session(ctx, a, d).id for d in ("2026-01-10", "2026-01-17", "2026-05-01")
    )
    t1, t2 = (workshops.add_session(ctx, b, d).id for d in ("2026-03-02", "2026-03-09"))
    p = {
        "ana": _person(ctx, "Ana", gender="female", birth_year=1990),  # 36 in 2026: 30-44
        "beto": _person(ctx, "Beto", gender="male", birth_year=2000),  # 26: 18-29
        "carla": _person(ctx, "Carla", gender="female", birth_year=1950),  # 76: 60+
        "dora": _person(ctx, "Dora", gender="female", birth_year=1985),  # 41: 30-44
        "dora2": _person(ctx, "Dora M.", gender="female"),  # Dora's duplicate, merged
        "eli": _person(ctx, "Eli", gender="undisclosed", birth_year=2010),  # withdrawn
        "mei": _person(ctx, "Mei", chinese_name="陳美玲", gender="female", birth_year=1980),  # 46
        "wang": _person(ctx, "Wang", gender="male"),  # no birth year
        "fei": _person(ctx, "Fei", birth_year=1970),  # no gender; 56: 45-59
        "lin": _person(ctx, "Lin", gender="male", birth_year=1975),  # B's trainer
    }
    for name in ("ana", "beto", "carla", "dora", "dora2", "eli"):
        enrollments.enrol(ctx, a, p[name])
    for name in ("mei", "wang", "ana", "fei"):
        enrollments.enrol(ctx, b, p[name])
    enrollments.enrol(ctx, b, p["lin"], role="trainer")
    marks = [
        (s1, "ana", "present"),
        (s1, "beto", "absent"),
        (s1, "carla", "excused"),
        (s1, "dora", "absent"),
        (s1, "dora2", "present"),  # the better mark of Dora at S1
        (s1, "eli", "present"),
        (s2, "ana", "late"),
        (s2, "beto", "present"),
        (s2, "dora2", "absent"),
        (t1, "mei", "present"),
        (t1, "wang", "late"),
        (t1, "ana", "present"),
        (t1, "lin", "present"),
        (t2, "mei", "present"),
        (t2, "wang", "absent"),
        (t2, "ana", "excused"),
    ]
    for session_id, name, status in marks:
        attendance.mark(ctx, session_id, p[name], status, today=TODAY)
    enrollments.withdraw(ctx, a, p["eli"])
    merge_trainees(ctx, p["dora"], p["dora2"])

    jan10, may7, aug7 = dt.date(2026, 1, 10), dt.date(2026, 5, 7), dt.date(2026, 8, 7)
    mar2, jun30 = dt.date(2026, 3, 2), dt.date(2026, 6, 30)
    f = _follow_up
    f(ctx, a, p["ana"], "baseline", jan10, "4000", "HNL", 0, 1, 10)
    f(ctx, a, p["ana"], "month_3", may7, "5000", "HNL", 1, 1, 30)
    f(ctx, a, p["ana"], "month_6", aug7, "4500", "HNL", 1, 2, 20)
    f(ctx, a, p["beto"], "baseline", jan10, "3000", "HNL", 0, 0, 0)
    f(ctx, a, p["beto"], "month_3", may7, "2500", "HNL", 0, 1, 5)  # income fell: -500
    f(ctx, a, p["carla"], "month_3", may7, "6000", "HNL", 2, 0, 40)  # no baseline
    f(ctx, a, p["dora2"], "baseline", jan10, "2000", "HNL", None, 2, None)
    f(ctx, a, p["dora"], "month_3", dt.date(2026, 6, 15), "2600", "HNL", 1, 1, 12)
    f(ctx, a, p["eli"], "baseline", jan10, "1000", "HNL", 0, 0, 1)  # withdrawn: not counted
    f(ctx, a, p["eli"], "month_3", may7, "9999", "HNL", 5, 5, 99)
    f(ctx, b, p["mei"], "baseline", mar2, "20000", "TWD", 0, 2, 50)
    f(ctx, b, p["mei"], "month_3", jun30, "26000", "TWD", 1, 2, 80)
    f(ctx, b, p["wang"], "baseline", mar2, "15000", "TWD", 0, 1, 20)
    f(ctx, b, p["wang"], "month_3", jun30, "600", "USD", 0, 1, 25)  # not the baseline's
    f(ctx, b, p["wang"], "month_6", dt.date(2026, 9, 30), None, None, None, None, -5)  # bad
    f(ctx, b, p["ana"], "baseline", mar2, "18000", "TWD", 1, 0, None)
    f(ctx, b, p["ana"], "month_3", dt.date(2026, 2, 1), "99999", "TWD", 9, 9, 999)  # before B
    f(ctx, b, p["fei"], "baseline", mar2, "10000", "ZZZ", 0, 0, None)  # unknown currency
    f(ctx, b, p["fei"], "month_3", jun30, "12000", "TWD", None, 3, None)

    with ctx.unit_of_work() as session:
        issued = "2026-02-08T10:00:00+00:00"
        for workshop, name, when, cl in (
            (a, "ana", issued, 1),
            (a, "dora", issued, 1),
            (a, "dora2", issued, 1),  # the same person as Dora: one certificate
            (a, "beto", None, 1),  # an exception recorded, not issued
            (b, "mei", issued, 1),
            (b, "wang", issued, 2),  # deleted
        ):
            session.add(
                Certificate(workshop_id=workshop, trainee_id=p[name], issued_at=when, cl=cl)
            )
        for workshop, category, country, cl in (
            (a, "bamboo", "HN", 1),
            (a, "bamboo", "HN", 1),
            (a, None, "HN", 1),
            (a, "food", "HN", 2),  # deleted
            (b, "pottery", "TW", 1),
            (None, "pottery", "GT", 1),  # no workshop: in the whole programme only
        ):
            session.add(
                Product(
                    name="x",
                    workshop_id=workshop,
                    category=category,
                    origin_country=country,
                    cl=cl,
                )
            )
    return Programme(a, b, p)


def _figures(ctx: AppContext, **flt: object) -> DashboardFigures:
    return dashboard_figures(ctx, DashboardFilter(**flt), today=TODAY)  # type: ignore[arg-type]


def _counts(items: list) -> dict[str, int]:  # type: ignore[type-arg]
    return {c.key: c.count for c in items}


def _values(points: list) -> dict[str, tuple[float | None, int]]:  # type: ignore[type-arg]
    return {p.period: (p.value, p.n) for p in points}


def test_whole_programme_by_hand(ctx: AppContext) -> None:
    prog = _programme(ctx)
    fig = _figures(ctx)
    # Trained: A ana beto carla dora (eli withdrawn, dora2 is dora); B mei wang ana fei (lin is
    # the trainer; ana counted once) = 7.
    assert fig.trainees == 7
    assert fig.workshops == 2
    # female ana carla dora mei = 4; male beto wang = 2; fei not recorded = 1.
    assert _counts(fig.by_gender) == {
        "female": 4,
        "male": 2,
        "other": 0,
        "undisclosed": 0,
        "not_recorded": 1,
    }
    assert fig.women == 4
    # In 2026: beto 26; ana 36, dora 41; mei 46, fei 56; carla 76; wang no year.
    assert _counts(fig.by_age_band) == {
        "under_18": 0,
        "18_29": 1,
        "30_44": 2,
        "45_59": 2,
        "60_plus": 1,
        "not_recorded": 1,
    }
    # A, held S1 S2: S1 lists ana beto carla dora + eli (withdrawn, marked) = 5, attended ana,
    # dora (dora2's present), eli = 3; S2 lists 4, attended ana (late counts), beto = 2.
    # B, held T1 T2, lists mei wang ana fei lin = 5 each: T1 mei ana lin = 3 (late not);
    # T2 mei ana (excused counts) = 2. (3 + 2 + 3 + 2) / (5 + 4 + 5 + 5) = 10 / 19.
    assert fig.attendance_rate == pytest.approx(10 / 19)
    # ana, dora (twice recorded, one person), mei; beto's not issued, wang's deleted.
    assert fig.certificates == 3
    # HNL month 3: ana 5000-4000 = 1000, beto 2500-3000 = -500, dora 2600-2000 = 600 ->
    # median of (-500, 600, 1000) = 600. Month 6: ana 4500-4000 = 500.
    # TWD month 3: mei 26000-20000 = 6000 only (wang's is USD, ana's in B is dated before B,
    # fei's baseline has an unknown currency).
    income = {s.currency: _values(s.points) for s in fig.income_change}
    assert income == {
        "HNL": {"month_3": (600.0, 3), "month_6": (500.0, 1), "month_12": (None, 0)},
        "TWD": {"month_3": (6000.0, 1), "month_6": (None, 0), "month_12": (None, 0)},
    }
    assert not any(s.converted for s in fig.income_change)
    assert fig.mixed_currency == 1  # wang
    assert fig.missing_baseline == 1  # carla
    assert fig.invalid_follow_ups == 3  # ana in B (date), fei's baseline (ZZZ), wang (-5 units)
    assert fig.unconverted == []
    # Employed (paid + family, both recorded): baseline ana 1, beto 0, mei 2, wang 1, ana-B 1,
    # fei 0 (dora2 has no paid) = 5 / 6; month 3: ana 2, beto 1, carla 2, dora 2, mei 3,
    # wang 1 = 11 / 6 (fei has no paid); month 6: ana 3.
    assert _values(fig.employment) == {
        "baseline": (pytest.approx(5 / 6), 6),
        "month_3": (pytest.approx(11 / 6), 6),
        "month_6": (3.0, 1),
        "month_12": (None, 0),
    }
    # Units: baseline 10 + 0 + 50 + 20 = 80; month 3: 30 + 5 + 40 + 12 + 80 + 25 = 192;
    # month 6: 20 (wang's -5 left out).
    assert _values(fig.units_sold) == {
        "baseline": (80.0, 4),
        "month_3": (192.0, 6),
        "month_6": (20.0, 1),
        "month_12": (None, 0),
    }
    # Whole programme: every live product, the one without a workshop too.
    assert _counts(fig.products_by_category) == {"bamboo": 2, "pottery": 2, "not_recorded": 1}
    assert _counts(fig.products_by_country) == {"HN": 3, "TW": 1, "GT": 1}
    assert fig.products_by_category[0].count == 2
    # The pooled rate is the one of the attendance summaries, workshop by workshop too.
    for workshop_id, rate in ((prog.a, 5 / 9), (prog.b, 5 / 10)):
        assert workshop_summary(ctx, workshop_id, today=TODAY).rate == pytest.approx(rate)
        assert _figures(ctx, workshop_id=workshop_id).attendance_rate == pytest.approx(rate)


def test_filters_by_country_workshop_and_period(ctx: AppContext) -> None:
    prog = _programme(ctx)
    honduras = _figures(ctx, country="hn")
    assert (honduras.trainees, honduras.certificates, honduras.workshops) == (4, 2, 1)
    assert honduras.attendance_rate == pytest.approx(5 / 9)
    assert [s.currency for s in honduras.income_change] == ["HNL"]
    assert _counts(honduras.products_by_category) == {"bamboo": 2, "not_recorded": 1}
    assert _counts(honduras.products_by_country) == {"HN": 3}
    only_b = _figures(ctx, workshop_id=prog.b)
    # mei wang ana fei: female mei ana, male wang, fei not recorded.
    assert only_b.trainees == 4
    assert _counts(only_b.by_gender)["female"] == 2
    assert only_b.certificates == 1
    assert _counts(only_b.products_by_country) == {"TW": 1}
    # B's baseline units: mei 50 + wang 20 = 70.
    assert _values(only_b.units_sold)["baseline"] == (70.0, 2)
    # A ends on Feb 7: a period from March on is B alone; January is A alone.
    spring = _figures(ctx, start=dt.date(2026, 3, 1), end=dt.date(2026, 12, 31))
    assert spring.workshops == 1 and spring.attendance_rate == pytest.approx(5 / 10)
    january = _figures(ctx, start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    assert january.workshops == 1 and january.trainees == 4
    nothing = _figures(ctx, country="GT")
    assert (nothing.trainees, nothing.attendance_rate, nothing.income_change) == (0, None, [])
    assert _values(nothing.employment)["baseline"] == (None, 0)


def test_converted_with_dated_rates_and_unconverted_listed(ctx: AppContext) -> None:
    _programme(ctx)
    save_rate(ctx, "HNL", "USD", "0.04", dt.date(2026, 1, 1))
    save_rate(ctx, "HNL", "USD", "0.05", dt.date(2026, 6, 1))
    fig = _figures(ctx, currency="usd")
    # At each amount's date: ana 5000*0.04 - 4000*0.04 = 200 - 160 = 40; beto 100 - 120 = -20;
    # dora 2600*0.05 (Jun 15) - 2000*0.04 = 130 - 80 = 50 -> median 40. Month 6: ana
    # 4500*0.05 (Aug 7) - 160 = 65. TWD has no rate: mei and wang left out, TWD listed.
    assert [(s.currency, s.converted) for s in fig.income_change] == [("USD", True)]
    points = _values(fig.income_change[0].points)
    assert points["month_3"] == (pytest.approx(40.0), 3)
    assert points["month_6"] == (pytest.approx(65.0), 1)
    assert fig.unconverted == ["TWD"]
    # A reverse rate converts TWD by division: mei 26000/32 - 20000/32 = 187.5; wang
    # 600 USD - 15000/32 = 600 - 468.75 = 131.25 -> month 3 of (-20, 40, 50, 131.25, 187.5).
    save_rate(ctx, "USD", "TWD", "32", dt.date(2026, 1, 1))
    fig = _figures(ctx, currency="USD")
    assert _values(fig.income_change[0].points)["month_3"] == (pytest.approx(50.0), 5)
    assert fig.unconverted == []
    with pytest.raises(ValidationError):
        _figures(ctx, currency="dollars")


def test_labels_follow_the_language(ctx: AppContext) -> None:
    _programme(ctx)
    set_locale("es")
    fig = _figures(ctx)
    country_labels = {c.key: c.label for c in fig.products_by_country}
    assert country_labels["HN"] == "Honduras" and country_labels["TW"] == "Taiwán"
    set_locale("zh_Hant_TW")
    countries, shown = filter_choices(ctx)
    assert dict(countries)["TW"] == "台灣"
    assert [title for _id, title in shown] == ["陶藝", "Bambú"]  # the newest first


def test_merge_cycle_and_undated_future_marks_match_the_summary(ctx: AppContext) -> None:
    """Two records merged into each other (a sync race) count as one person; a session still
    to come but already marked is held, as in workshop_summary."""
    w = workshops.create_workshop(ctx, title="Telar", country="GT", start_date="2026-01-05").id
    s1 = workshops.add_session(ctx, w, "2026-01-05").id
    s2 = workshops.add_session(ctx, w, "2026-04-02").id  # after TODAY, but marked
    x, y, z = (_person(ctx, n) for n in ("Xiomara", "Yesenia", "Zoila"))
    for t in (x, y, z):
        enrollments.enrol(ctx, w, t)
    for session_id, t, status in ((s1, x, "present"), (s1, y, "absent"), (s1, z, "absent")):
        attendance.mark(ctx, session_id, t, status, today=TODAY)
    attendance.mark(ctx, s2, z, "present", today=dt.date(2026, 4, 2))
    with ctx.unit_of_work() as session:
        from otop_desktop.db.models import Trainee

        rx, ry = session.get(Trainee, x), session.get(Trainee, y)
        assert rx is not None and ry is not None
        rx.merged_into, ry.merged_into = y, x
    fig = _figures(ctx)
    # One person (x/y) + z = 2 trainees; S1: {x|y present, z absent}, S2 held: z present ->
    # attended 2 of 4 listed.
    assert fig.trainees == 2
    expected = workshop_summary(ctx, w, today=TODAY).rate
    assert expected == pytest.approx(2 / 4)
    assert fig.attendance_rate == pytest.approx(expected)
