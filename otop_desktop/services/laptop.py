"""This laptop: its name, its programme passphrase, and first-start choices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from otop_desktop.db.local_models import LocalSetting, ReplicaState
from otop_desktop.db.models import Workshop
from otop_desktop.domain import validation as v
from otop_desktop.domain.errors import OtopError, ValidationError
from otop_desktop.i18n import _
from otop_desktop.services.context import AppContext
from otop_desktop.sync import keys

DEMO_OFFERED = "demo_offered"


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
    key = keys.load_or_create_device_key(ctx.data_dir.keys)
    database = str(ctx.data_dir.database) if ctx.is_sqlite else ctx.engine.url.render_as_string()
    return ThisLaptop(
        state.replica_id,
        state.device_name,
        bool(keys.load_passphrase(ctx.data_dir.keys)),
        keys.fingerprint(keys.public_key_text(key)),
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
        if session.get(LocalSetting, DEMO_OFFERED) is None:
            session.add(LocalSetting(key=DEMO_OFFERED, value="1"))
