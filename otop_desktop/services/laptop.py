"""This laptop: its name, its programme passphrase, and first-start choices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from otop_desktop.db.local_models import LocalSetting, ReplicaState
from otop_desktop.db.models import Workshop
from otop_desktop.domain import validation as v
from otop_desktop.domain.errors import OtopError, ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.services.demo import DemoSummary, build_demo
from otop_desktop.sync import keys

DEMO_OFFERED = "demo_offered"
# Set once a person has named this laptop (first-run set-up or Settings): the set-up is not
# offered again.
FIRST_RUN_DONE = "first_run_done"


@dataclass(frozen=True)
class ThisLaptop:
    replica_id: str
    device_name: str
    has_passphrase: bool
    fingerprint: str
    database: str


def this_laptop(ctx: AppContext) -> ThisLaptop:
    """Who this database is, for the status bar, About and Settings."""
    with ctx.read() as session:
        state = session.scalar(select(ReplicaState))
    if state is None:
        raise OtopError(_("This database has not been initialised (run init first)."))
    public_key = keys.device_public_key_text(ctx.data_dir.keys)
    database = str(ctx.data_dir.database) if ctx.is_sqlite else ctx.engine.url.render_as_string()
    return ThisLaptop(
        state.replica_id,
        state.device_name,
        bool(keys.load_passphrase(ctx.data_dir.keys)),
        keys.fingerprint(public_key),
        database,
    )


def rename_laptop(ctx: AppContext, name: str) -> None:
    """Change the name people know this laptop by (shown to coordinators in bundles)."""
    clean = v.required_text(name, "device_name", _("Laptop name"), 120)
    with ctx.unit_of_work() as session:
        state = session.scalar(select(ReplicaState))
        if state is None:
            raise OtopError(_("This database has not been initialised (run init first)."))
        state.device_name = clean
        _mark(session, FIRST_RUN_DONE)


def set_passphrase(ctx: AppContext, passphrase: str, confirmation: str) -> None:
    """Keep the programme passphrase on this laptop (used to lock and open bundles)."""
    if passphrase != confirmation:
        raise ValidationError(_("The two passphrases are not the same."), "confirmation")
    if len(passphrase.strip()) < 8:
        raise ValidationError(
            _("The programme passphrase must have at least 8 characters."), "passphrase"
        )
    keys.save_passphrase(ctx.data_dir.keys, passphrase)


def should_offer_demo(ctx: AppContext) -> bool:
    """True on a first start only: no workshop was ever recorded and no demo was offered."""
    with ctx.read() as session:
        any_workshop = session.scalar(select(func.count()).select_from(Workshop)) or 0
        offered = session.get(LocalSetting, DEMO_OFFERED)
    return any_workshop == 0 and offered is None


def mark_demo_offered(ctx: AppContext) -> None:
    """Remember that the demo was offered, so deleting every workshop never brings it back."""
    with ctx.unit_of_work() as session:
        _mark(session, DEMO_OFFERED)


def _mark(session: Session, key: str) -> None:
    if session.get(LocalSetting, key) is None:
        session.add(LocalSetting(key=key, value="1"))


def first_run_done(ctx: AppContext) -> bool:
    """Whether a person has named this laptop yet (else the first-run set-up is shown)."""
    with ctx.read() as session:
        return session.get(LocalSetting, FIRST_RUN_DONE) is not None


def finish_first_run(
    ctx: AppContext,
    name: str,
    passphrase: str | None,
    confirmation: str = "",
    *,
    demo: bool = False,
    report: Callable[[int, int], None] | None = None,
) -> DemoSummary | None:
    """Keep the first-run choices: the laptop's name, the passphrase if typed, the demo if asked.

    Everything is checked before anything is kept, so a mistake saves nothing at all. The demo
    is offered once: declining it here means it is never added later.
    """
    v.required_text(name, "device_name", _("Laptop name"), 120)
    if passphrase is not None:
        set_passphrase(ctx, passphrase, confirmation)
    rename_laptop(ctx, name)
    wanted = demo and should_offer_demo(ctx)
    mark_demo_offered(ctx)
    if not wanted:
        return None
    return build_demo(ctx, progress=report, follow_ups=True)
