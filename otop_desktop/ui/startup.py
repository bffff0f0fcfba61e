"""The service side of a start: opening the database and the demo of a first start.

Imported by `launch` only once the window's shell is on screen, and on the runner's thread:
importing this module imports the service layer (SQLAlchemy, the models), the slowest part of a
start on a laptop with a spinning disk.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable

from otop_desktop.services.context import AppContext, initialise, is_initialised, open_context
from otop_desktop.services.demo import DemoSummary, build_demo
from otop_desktop.services.laptop import mark_demo_offered, should_offer_demo
from otop_desktop.services.paths import default_data_dir


def open_database(options: argparse.Namespace) -> AppContext:
    """Open (create, upgrade) and initialise the database; OtopError when it cannot be used."""
    ctx = open_context(options.data_dir or default_data_dir(), options.database_url)
    try:
        if not is_initialised(ctx):
            initialise(ctx, platform.node() or "laptop")
    except BaseException:
        ctx.close()
        raise
    return ctx


def add_demo_if_empty(
    ctx: AppContext, report: Callable[[int, int], None] | None = None
) -> DemoSummary | None:
    """The demo programme on a first start only, so the first start shows something.

    Offered once per database: a coordinator who deletes every workshop does not get the demo
    back (and sync it out to other laptops).
    """
    if not should_offer_demo(ctx):
        return None
    mark_demo_offered(ctx)
    return build_demo(ctx, progress=report, follow_ups=True)
