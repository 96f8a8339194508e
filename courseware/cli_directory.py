"""`flask directory sync`: the company's directory made true here (services/people/directory_sync.py).

Prints the plan (every person and department created, changed, linked, deactivated, and the fields
kept because HR edited them by hand), applies it all or nothing, or with --dry-run changes nothing.
A problem of the source (a file's line, a missing setting, a platform's error) is printed and the
command exits 1 with nothing changed.
"""
from __future__ import annotations

import click
from flask import current_app
from flask_babel import gettext as _

from courseware.cli import _in_cli_language
from courseware.extensions import db
from courseware.services.people import directory_sync
from courseware.services.people.directory_people import DirectoryError
from courseware.services.people.directory_types import DirectoryUnavailable


@click.group("directory", help="The company's directory: people, departments, line managers.")
def directory_group() -> None:
    pass


@directory_group.command("sync")
@click.option("--source", type=click.Choice(directory_sync.SOURCES), required=True,
              help="Where the directory is: a work platform, or a CSV file (--file).")
@click.option("--file", "path", type=click.Path(dir_okay=False),
              help="The CSV file (the account import's format plus `manager`).")
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option("--overwrite-manual", is_flag=True,
              help="Also overwrite the fields HR edited by hand since the last sync.")
@click.option("--passwords", is_flag=True,
              help="Give each new person a one-time password, printed once (default: none usable; "
                   "they sign in with the platform).")
@_in_cli_language
def directory_sync_command(source: str, path: str | None, dry_run: bool, overwrite_manual: bool,
                           passwords: bool) -> None:
    """Create, update and deactivate people and departments as the directory lists them."""
    config = current_app.config
    try:
        directory = directory_sync.open_source(source, config, path)
        report = directory_sync.run(db.session, directory, dry_run=dry_run, overwrite_manual=overwrite_manual,
                                    protected_username=config.get("BREAK_GLASS_USERNAME", ""),
                                    passwords=passwords)
    except (DirectoryUnavailable, DirectoryError) as error:
        click.echo(_("error: %(problem)s", problem=error), err=True)
        click.echo(_("Nothing was changed."), err=True)
        raise click.exceptions.Exit(1) from None
    for line in directory_sync.describe(report):
        click.echo(line)
    if report.passwords:
        click.echo(_("One-time passwords (shown once):"))
        for username, password in report.passwords.items():
            click.echo(f"{username} {password}")
