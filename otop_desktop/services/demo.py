"""`demo`: a realistic programme to try the app and to measure it (reproducible with a seed)."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from otop_desktop.db.models import (
    Attendance,
    Enrollment,
    FollowUp,
    Organisation,
    Photo,
    Product,
    Trainee,
    TrainingSession,
    Workshop,
    WorkshopPartner,
)
from otop_desktop.domain.enums import AttendanceStatus, EnrollmentStatus
from otop_desktop.domain.follow_up_dates import ALL_PERIODS, due_date
from otop_desktop.domain.ids import IdFactory, pair_id
from otop_desktop.media.store import BlobStore
from otop_desktop.services import demo_names as names
from otop_desktop.services.attendance import attendance_id
from otop_desktop.services.context import AppContext
from otop_desktop.services.enrollments import enrollment_id
from otop_desktop.services.follow_ups import follow_up_id

BATCH = 2000
FIRST_SESSION = dt.date(2026, 9, 7)
# With follow-ups the programme ran a year earlier, so its 3/6/12-month follow-ups are past.
FOLLOW_UP_FIRST_SESSION = dt.date(2025, 9, 8)
# Share of trainees with each follow-up recorded: some baselines and later ones are missing.
FOLLOW_UP_SHARE = {"baseline": 0.9, "month_3": 0.8, "month_6": 0.7, "month_12": 0.6}
# Monthly income at baseline (low, high, rounded to) and a buyer reached, per country.
INCOME = {"HN": (3000, 12000, 50), "GT": (1200, 5000, 10), "TW": (15000, 55000, 500)}
MARKETS = {
    "HN": ("Feria municipal", "Tienda de artesanías en Tegucigalpa", "Venta en línea"),
    "GT": ("Mercado de Rabinal", "Tienda en Antigua Guatemala", "Venta en línea"),
    "TW": ("鶯歌老街商家", "網路商店", "文創市集"),
}


@dataclass(frozen=True)
class DemoSummary:
    workshops: int
    trainees: int
    sessions: int
    marks: int
    photos: int


@dataclass(frozen=True)
class _WorkshopPlan:
    title: str
    category: str
    programme: str
    country: str
    towns: tuple[str, ...]
    venue: str
    language: str
    trainers: str
    currency: str
    share: float


PLANS = (
    _WorkshopPlan(
        "Muebles y artesanías de bambú",
        "bamboo",
        "Un Pueblo, Un Producto — Honduras",
        "HN",
        names.HONDURAS_TOWNS,
        "Centro Comunitario de Comayagua",
        "es",
        "Lin Chih-hao, Rosa Mejía",
        "HNL",
        0.4,
    ),
    _WorkshopPlan(
        "Alfarería tradicional de Rabinal",
        "pottery",
        "Un Pueblo, Un Producto — Guatemala",
        "GT",
        names.GUATEMALA_TOWNS,
        "Casa de la Cultura de Rabinal",
        "es",
        "Chen Mei-hua, Edgar Sic",
        "GTQ",
        0.35,
    ),
    _WorkshopPlan(
        "鶯歌陶藝研習班",
        "pottery",
        "一鄉一特產 OTOP",
        "TW",
        names.TAIWAN_TOWNS,
        "鶯歌陶瓷博物館",
        "zh_Hant_TW",
        "王建民, 李淑惠",
        "TWD",
        0.25,
    ),
)
ORGANISATIONS = (
    ("Misión Técnica de Taiwán en Honduras", "mission", "HN", "Tegucigalpa"),
    ("Cooperativa de Artesanos del Bambú", "cooperative", "HN", "Comayagua"),
    ("Asociación de Alfareras de Rabinal", "community", "GT", "Rabinal"),
    ("財團法人國際合作發展基金會", "mission", "TW", "臺北"),
    ("新北市立鶯歌陶瓷博物館", "government", "TW", "鶯歌"),
)
STATUS_WEIGHTS = (
    (AttendanceStatus.PRESENT, 80),
    (AttendanceStatus.LATE, 8),
    (AttendanceStatus.EXCUSED, 5),
    (AttendanceStatus.ABSENT, 7),
)
# Demo content is data, in the workshop's own language (not translated with the interface).
DESCRIPTIONS = {
    "HN": ("Hecho a mano en el taller.", "bambú de la zona"),
    "GT": ("Hecho a mano en el taller.", "barro de Rabinal"),
    "TW": ("研習班學員手作。", "鶯歌陶土"),
}
TOPICS = (
    "Materiales y herramientas",
    "Diseño del producto",
    "Técnicas de acabado",
    "Costos y precios",
    "Empaque y etiqueta",
    "Ventas y ferias",
)
TOPICS_ZH = ("材料與工具", "產品設計", "表面處理技法", "成本與定價", "包裝與標示", "行銷與展售")


def _phone(rng: random.Random, country: str) -> str:
    if country == "TW":
        return f"09{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}"
    return f"{rng.choice('389')}{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def _trainee(rng: random.Random, plan: _WorkshopPlan) -> Trainee:
    female = rng.random() < 0.65
    town = rng.choice(plan.towns)
    year = rng.randint(1960, 2006)
    gender = "female" if female else "male"
    if rng.random() < 0.05:
        gender = "undisclosed"
    if plan.country == "TW":
        family, family_rom = rng.choice(names.CHINESE_FAMILY)
        given, given_rom = rng.choice(names.CHINESE_GIVEN)
        return Trainee(
            given_names=given_rom,
            family_names=family_rom,
            chinese_name=family + given,
            gender=gender,
            birth_year=year,
            phone=_phone(rng, "TW"),
            town=town,
            country="TW",
            preferred_language="zh_Hant_TW",
            consent_data=True,
            consent_photos=rng.random() < 0.8,
        )
    given_pool = names.SPANISH_GIVEN_F if female else names.SPANISH_GIVEN_M
    given = rng.choice(given_pool)
    if rng.random() < 0.4:
        given += " " + rng.choice([g for g in given_pool if g != given])
    family = " ".join(rng.sample(names.SPANISH_FAMILY, 2))
    return Trainee(
        given_names=given,
        family_names=family,
        gender=gender,
        birth_year=year,
        phone=_phone(rng, plan.country),
        town=town,
        country=plan.country,
        preferred_language="es",
        consent_data=True,
        consent_photos=rng.random() < 0.8,
    )


def _photo_bytes(rng: random.Random, label: str) -> bytes:
    from PIL import Image, ImageDraw

    colour = (rng.randint(90, 200), rng.randint(60, 160), rng.randint(30, 120))
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    for _i in range(12):
        x, y = rng.randint(0, 600), rng.randint(0, 440)
        shade = tuple(max(0, c - rng.randint(20, 60)) for c in colour)
        draw.ellipse((x, y, x + rng.randint(30, 160), y + rng.randint(30, 160)), fill=shade)
    draw.text((20, 20), label.encode("ascii", "replace").decode(), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def build_demo(
    ctx: AppContext,
    *,
    trainees: int = 60,
    sessions: int = 6,
    photos: int = 6,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    follow_ups: bool = False,
) -> DemoSummary:
    """Add the demo programme: three workshops, their trainees, sessions, marks and photos
    (with `follow_ups`: a year earlier, with baselines and 3/6/12-month follow-ups)."""
    rng = random.Random(seed)
    # Its own generator: the rest of the demo is the same with or without follow-ups.
    outcome_rng = random.Random(seed * 7919 + 1)
    first_session = FOLLOW_UP_FIRST_SESSION if follow_ups else FIRST_SESSION
    previous_ids = ctx.sync.ids
    ctx.sync.ids = IdFactory(seed)
    marks = 0
    try:
        with ctx.unit_of_work() as session:
            orgs = [
                Organisation(name=n, org_kind=k, country=c, town=t) for n, k, c, t in ORGANISATIONS
            ]
            session.add_all(orgs)
            workshops: list[Workshop] = []
            plan_sessions: list[list[TrainingSession]] = []
            for index, plan in enumerate(PLANS):
                start = first_session + dt.timedelta(days=index)
                workshop = Workshop(
                    title=plan.title,
                    category=plan.category,
                    programme=plan.programme,
                    country=plan.country,
                    town=plan.towns[0],
                    venue=plan.venue,
                    start_date=start,
                    end_date=start + dt.timedelta(weeks=max(sessions - 1, 0)),
                    languages=plan.language,
                    trainers=plan.trainers,
                    min_attendance_rate=0.8,
                    late_counts=True,
                    excused_counts=False,
                    archived=False,
                )
                session.add(workshop)
                session.flush()
                workshops.append(workshop)
                for org in orgs:
                    if org.country == plan.country:
                        session.add(
                            WorkshopPartner(
                                id=pair_id("partner", workshop.id, org.id),
                                workshop_id=workshop.id,
                                organisation_id=org.id,
                            )
                        )
                topics = TOPICS_ZH if plan.country == "TW" else TOPICS
                rows = [
                    TrainingSession(
                        workshop_id=workshop.id,
                        date=start + dt.timedelta(weeks=n),
                        start_time="09:00",
                        hours=3,
                        topic=topics[n % len(topics)],
                    )
                    for n in range(sessions)
                ]
                session.add_all(rows)
                plan_sessions.append(rows)
        counts = [round(trainees * plan.share) for plan in PLANS]
        counts[0] += trainees - sum(counts)
        done = 0
        for plan, workshop, held, count in zip(
            PLANS, workshops, plan_sessions, counts, strict=True
        ):
            for first in range(0, count, BATCH):
                with ctx.unit_of_work() as session:
                    batch = [_trainee(rng, plan) for _n in range(min(BATCH, count - first))]
                    session.add_all(batch)
                    session.flush()
                    for trainee in batch:
                        session.add(
                            Enrollment(
                                id=enrollment_id(workshop.id, trainee.id),
                                workshop_id=workshop.id,
                                trainee_id=trainee.id,
                                role="trainee",
                                status=EnrollmentStatus.ENROLLED.value,
                            )
                        )
                        for training in held:
                            status = rng.choices(
                                [s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS]
                            )[0]
                            session.add(
                                Attendance(
                                    id=attendance_id(training.id, trainee.id),
                                    session_id=training.id,
                                    trainee_id=trainee.id,
                                    status=status.value,
                                )
                            )
                            marks += 1
                        if follow_ups:
                            _add_follow_ups(session, outcome_rng, plan, workshop, trainee.id)
                done += len(batch)
                if progress:
                    progress(done, trainees)
        photo_count = _add_products(ctx, rng, workshops, photos)
    finally:
        ctx.sync.ids = previous_ids
    return DemoSummary(len(workshops), trainees, sessions * len(workshops), marks, photo_count)


def _add_follow_ups(
    session: Session, rng: random.Random, plan: _WorkshopPlan, workshop: Workshop, trainee_id: str
) -> None:
    """A trainee's baseline and later follow-ups with plausible numbers (some left out)."""
    low, high, step = INCOME[plan.country]
    income = rng.randint(low // step, high // step) * step
    paid, family = rng.choice((0, 0, 0, 1, 1, 2)), rng.randint(0, 3)
    units = rng.randint(5, 60)
    price = rng.randint(5, 60) * (30 if plan.currency == "TWD" else 10)
    for index, period in enumerate(ALL_PERIODS):
        if index:  # after the workshop, results move (mostly up)
            income = max(0, round(income * (1 + rng.gauss(0.08, 0.12)) / step) * step)
            units = max(0, round(units * (1 + rng.gauss(0.1, 0.2))))
            paid += rng.random() < 0.15
            family = max(0, family + rng.choice((-1, 0, 0, 0, 1)))
        if rng.random() >= FOLLOW_UP_SHARE[period]:
            continue
        due = due_date(period, workshop.start_date, workshop.end_date)
        if due is None:
            continue
        session.add(
            FollowUp(
                id=follow_up_id(workshop.id, trainee_id, period),
                trainee_id=trainee_id,
                workshop_id=workshop.id,
                period=period,
                date=due + dt.timedelta(days=rng.randint(0, 21 if index else 3)),
                monthly_income=Decimal(income),
                currency=plan.currency,
                employed_paid=paid,
                employed_family=family,
                units_sold=units,
                main_price=Decimal(price),
                new_markets=rng.choice(MARKETS[plan.country]) if rng.random() < 0.2 else None,
            )
        )


def _add_products(
    ctx: AppContext, rng: random.Random, workshops: list[Workshop], photos: int
) -> int:
    store = BlobStore(ctx.data_dir.blobs)
    product_names = {
        "HN": ("Silla de bambú", "Lámpara de bambú", "Canasta tejida"),
        "GT": ("Cántaro de barro", "Comal de barro", "Jarrón pintado"),
        "TW": ("青瓷茶杯組", "柴燒花器", "手拉坯茶壺"),
    }
    made = 0
    with ctx.unit_of_work() as session:
        # Makers taken in a fixed order, not from `rng`: the rest of the demo stays as it was.
        makers = {
            w.id: list(
                session.scalars(
                    select(Enrollment.trainee_id)
                    .where(Enrollment.workshop_id == w.id)
                    .order_by(Enrollment.trainee_id)
                )
            )
            for w in workshops
        }
        for index in range(photos):
            workshop = workshops[index % len(workshops)]
            enrolled = makers[workshop.id]
            turn = index // len(workshops)
            maker = enrolled[(turn * 5 + 1) % len(enrolled)] if enrolled else None
            plan = PLANS[index % len(PLANS)]
            name = product_names[plan.country][(index // len(workshops)) % 3]
            product = Product(
                name=name,
                owner_trainee_id=maker,
                workshop_id=workshop.id,
                category=plan.category,
                origin_town=plan.towns[0],
                origin_country=plan.country,
                description=DESCRIPTIONS[plan.country][0],
                materials=DESCRIPTIONS[plan.country][1],
                price=Decimal(rng.randint(5, 60) * (30 if plan.currency == "TWD" else 10)),
                currency=plan.currency,
            )
            session.add(product)
            session.flush()
            data = _photo_bytes(rng, f"{plan.country} #{index + 1}")
            sha = store.put_bytes(data)
            session.add(
                Photo(
                    sha256=sha,
                    product_id=product.id,
                    byte_size=len(data),
                    width=640,
                    height=480,
                    caption=name,
                    consent=True,
                )
            )
            made += 1
    return made
