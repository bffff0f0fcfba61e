"""CLI commands on outcomes: follow-ups (add, list, due, export) and exchange rates."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from otop_desktop.cli import AppContext, add_command, add_group, add_json_flag, list_output
from otop_desktop.domain.enums import FollowUpPeriod
from otop_desktop.domain.prices import currency_of_country
from otop_desktop.i18n import _, formatting, pgettext
from otop_desktop.services import exchange_rates, follow_ups, outcomes_export, workshops

# option -> (field of save_follow_up's values, help)
FOLLOW_UP_OPTIONS: dict[str, tuple[str, Any]] = {
    "date": ("date", lambda: _("date of the follow-up (YYYY-MM-DD; default: today)")),
    "income": ("monthly_income", lambda: _("monthly income, e.g. 8500.50")),
    "currency": (
        "currency",
        lambda: _("currency code, e.g. HNL, GTQ, TWD (default: the workshop country's)"),
    ),
    "employed_paid": ("employed_paid", lambda: _("people employed, paid")),
    "employed_family": ("employed_family", lambda: _("people employed, family")),
    "units_sold": ("units_sold", lambda: _("units sold")),
    "main_price": ("main_price", lambda: _("price of the main product")),
    "new_markets": ("new_markets", lambda: _("new markets or buyers reached")),
    "notes": ("notes", lambda: _("notes")),
}
PERIODS = [p.value for p in FollowUpPeriod]


def register(commands: Any) -> None:
    """Add the `followup` and `rate` commands to the sub-command parser."""
    group = add_group(commands, "followup", _("follow-ups of trainees: outcomes over time"))
    p = add_command(group, "add", _("record (or replace) a follow-up"), _add)
    p.add_argument("--workshop", required=True, help=_("workshop id"))
    p.add_argument("--trainee", required=True, help=_("trainee id"))
    p.add_argument("--period", required=True, choices=PERIODS, help=_("which follow-up"))
    for option, (_field, helptext) in FOLLOW_UP_OPTIONS.items():
        p.add_argument(
            "--" + option.replace("_", "-"), dest=option, default=argparse.SUPPRESS, help=helptext()
        )
    p = add_command(group, "list", _("list recorded follow-ups"), _list)
    p.add_argument("--workshop", help=_("only follow-ups of this workshop"))
    p.add_argument("--trainee", help=_("only follow-ups of this trainee"))
    add_json_flag(p)
    p = add_command(group, "due", _("follow-ups due soon or overdue"), _due)
    p.add_argument(
        "--days", type=int, default=14, help=_("due within this many days (default: %(default)s)")
    )
    add_json_flag(p)
    p = add_command(group, "export", _("write follow-ups as a table (.xlsx or .csv)"), _export)
    p.add_argument("--out", required=True, help=_("the .xlsx or .csv file to write"))
    p.add_argument("--workshop", help=_("only follow-ups of this workshop"))
    p.add_argument("--country", help=_("only workshops in this country, e.g. HN"))
    p = add_command(group, "delete", _("delete a follow-up"), _delete)
    p.add_argument("id")

    group = add_group(commands, "rate", _("exchange rates for converting amounts"))
    p = add_command(group, "add", _("enter a rate: 1 CUR = RATE TARGET from a date"), _rate_add)
    p.add_argument("currency", metavar="CUR")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("rate", metavar="RATE")
    p.add_argument("--from", dest="valid_from", required=True, help=_("valid from (YYYY-MM-DD)"))
    p.add_argument("--note", help=_("where the rate comes from"))
    p = add_command(group, "list", _("list exchange rates"), _rate_list)
    add_json_flag(p)
    p = add_command(group, "delete", _("delete an exchange rate"), _rate_delete)
    p.add_argument("id")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _period(value: str) -> str:
    try:
        return FollowUpPeriod(value).label()
    except ValueError:
        return value


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    values: dict[str, object] = {
        field: getattr(args, option)
        for option, (field, _h) in FOLLOW_UP_OPTIONS.items()
        if hasattr(args, option)
    }
    has_amount = values.get("monthly_income") or values.get("main_price")
    if has_amount and not values.get("currency"):
        # The amount is in the workshop country's money unless said otherwise.
        country = workshops.get_workshop(ctx, args.workshop).country
        values["currency"] = currency_of_country(country)
    _say(follow_ups.save_follow_up(ctx, args.workshop, args.trainee, args.period, values))
    return 0


def _money(amount: Any, currency: str | None) -> str:
    return formatting.money(amount, currency) if amount is not None and currency else ""


def _count(value: int | None) -> str:
    return "" if value is None else formatting.number(value)


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    rows = follow_ups.list_follow_ups(ctx, workshop_id=args.workshop, trainee_id=args.trainee)
    table = [
        [
            r.workshop_title,
            r.trainee_name,
            _period(r.period),
            formatting.day(r.date),
            _money(r.monthly_income, r.currency),
            _count(r.employed_paid),
            _count(r.employed_family),
            _count(r.units_sold),
            r.id,
        ]
        for r in rows
    ]
    headers = [
        _("Workshop"),
        _("Name"),
        pgettext("follow-up", "Period"),
        _("Date"),
        _("Monthly income"),
        _("Paid"),
        _("Family"),
        _("Units sold"),
        _("Id"),
    ]
    return list_output(args, rows, table, headers)


def _due(args: argparse.Namespace, ctx: AppContext) -> int:
    rows = list(follow_ups.due_follow_ups(ctx, within_days=args.days))
    table = [
        [
            formatting.day(r.due_on),
            _("overdue") if r.overdue else "",
            r.workshop_title,
            r.trainee_name,
            _period(r.period),
            r.trainee_id,
        ]
        for r in rows
    ]
    headers = [
        _("Due"),
        _("Status"),
        _("Workshop"),
        _("Name"),
        pgettext("follow-up", "Period"),
        _("Trainee id"),
    ]
    return list_output(args, rows, table, headers)


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    out = outcomes_export.export_outcomes(
        ctx, args.out, workshop_id=args.workshop, country=args.country
    )
    _say(str(out))
    return 0


def _delete(args: argparse.Namespace, ctx: AppContext) -> int:
    follow_ups.delete_follow_up(ctx, args.id)
    return 0


def _rate_add(args: argparse.Namespace, ctx: AppContext) -> int:
    _say(
        exchange_rates.save_rate(
            ctx, args.currency, args.target, args.rate, args.valid_from, args.note
        )
    )
    return 0


def _rate_list(args: argparse.Namespace, ctx: AppContext) -> int:
    rates = exchange_rates.list_rates(ctx)
    table = [
        [
            "1 " + r.currency,
            "=",
            format(r.rate, "f") + " " + r.target_currency,  # every digit entered
            formatting.day(r.valid_from),
            r.note or "",
            r.id,
        ]
        for r in rates
    ]
    headers = [_("Currency"), "", pgettext("exchange", "Rate"), _("Valid from"), _("Note"), _("Id")]
    return list_output(args, rates, table, headers)


def _rate_delete(args: argparse.Namespace, ctx: AppContext) -> int:
    exchange_rates.delete_rate(ctx, args.id)
    return 0
