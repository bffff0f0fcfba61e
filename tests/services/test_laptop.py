"""This laptop's settings: name, passphrase, and the demo offered once only."""

from __future__ import annotations

from pathlib import Path

import pytest

from otop_desktop.domain.errors import ValidationError
from otop_desktop.services import laptop, workshops
from tests.helpers import new_context


def test_name_and_passphrase(tmp_path: Path) -> None:
    ctx = new_context(tmp_path, "Laptop 1")
    try:
        assert laptop.this_laptop(ctx).device_name == "Laptop 1"
        laptop.rename_laptop(ctx, "  Comayagua 2 ")
        info = laptop.this_laptop(ctx)
        assert info.device_name == "Comayagua 2" and not info.has_passphrase
        with pytest.raises(ValidationError):
            laptop.set_passphrase(ctx, "short", "short")
        with pytest.raises(ValidationError):
            laptop.set_passphrase(ctx, "bambú y barro", "bambu y barro")
        laptop.set_passphrase(ctx, "bambú y barro", "bambú y barro")
        assert laptop.this_laptop(ctx).has_passphrase
    finally:
        ctx.close()


def test_the_demo_is_offered_once_and_not_after_deleting_everything(tmp_path: Path) -> None:
    ctx = new_context(tmp_path)
    try:
        assert laptop.should_offer_demo(ctx)
        w = workshops.create_workshop(ctx, title="Real")
        workshops.delete_workshop(ctx, w.id)
        assert not laptop.should_offer_demo(ctx)  # a deleted workshop still counts
    finally:
        ctx.close()
    other = new_context(tmp_path / "other")
    try:
        laptop.mark_demo_offered(other)
        assert not laptop.should_offer_demo(other)
    finally:
        other.close()
