"""`biliktilik purge`: list what is past its retention period, and remove it only with --confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from workflows.calendar import LOCAL_TZ
from workflows.reports.purge import past_period, purge
from workflows.reports.retention import retention_periods

if TYPE_CHECKING:
    from workflows.cli import Context


@click.command("purge")
@click.option("--confirm", is_flag=True, help="Remove what is listed; without it, only list it.")
@click.pass_obj
def purge_cmd(ctx: Context, confirm: bool) -> None:
    """List the records past their retention period (000's list of forms); --confirm removes them."""
    with ctx.session() as session:
        for period in retention_periods(session):
            click.echo(f"{period.kind} ({period.form}): kept {period.years} years")
        items = past_period(session, ctx.clock)
        for item in items:
            until = item.kept_until.astimezone(LOCAL_TZ).date().isoformat()
            click.echo(f"  {item.kind}\t{item.table} {item.id}\t{item.label}\tkept until {until}")
        if not items:
            click.echo("nothing is past its period")
            return
        if not confirm:
            click.echo(f"{len(items)} records are past their period; run again with --confirm to remove them")
            return
        removed = purge(session, ctx.clock)
    click.echo("removed: " + ", ".join(f"{count} {table}" for table, count in removed.items()))
