"""`python -m server COMMAND` (also `jianfu`): serve, migrate, demo, create-user, import-regions, backup, restore."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from server import db
from server.cli.tasks import CommandError, create_user, first_admin_link, import_regions, publish
from server.config import ConfigError, Settings
from server.web.i18n import environment_locale, in_locale


def settings_for(args: argparse.Namespace) -> Settings:
    return Settings.from_env(demo=getattr(args, "demo", False) or args.command == "demo")


def cmd_migrate(args: argparse.Namespace) -> None:
    settings = settings_for(args)
    asyncio.run(db.apply_migrations(settings.database_url))
    print("migrations applied")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn  # noqa: PLC0415 -- only the server needs it

    settings = settings_for(args)
    if args.demo and not os.environ.get("JIANFU_SECRET"):
        print(
            "warning: no JIANFU_SECRET set; using the demo secret (fine for a demo, never for real data)",
            file=sys.stderr,
        )
        os.environ["JIANFU_SECRET"] = settings.secret  # worker processes read the environment again
    asyncio.run(db.apply_migrations(settings.database_url))
    link = asyncio.run(first_admin_link(settings, args.host, args.port))
    if link:
        print(
            f"No administrator yet. Open this link within 24 hours to create the first one (it works once):\n  {link}",
            flush=True,
        )
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="server.web.nodelay:NoDelayH11Protocol",  # TCP_NODELAY, which --workers N loses (see that module)
        access_log=False,  # DESIGN.md §2: no client address or user agent in any log
        server_header=False,
        proxy_headers=True,
    )


def cmd_demo(args: argparse.Namespace) -> None:
    from server.cli.demo import load_demo  # noqa: PLC0415 -- demo data is not part of serving

    settings = settings_for(args)
    asyncio.run(db.apply_migrations(settings.database_url))
    asyncio.run(load_demo(settings, only_if_empty=args.if_empty, seed=args.seed))


def cmd_create_user(args: argparse.Namespace) -> None:
    password = os.environ.get("JIANFU_PASSWORD") or getpass.getpass("Password: ")
    settings = settings_for(args)
    asyncio.run(db.apply_migrations(settings.database_url))  # the first admin of a fresh store
    asyncio.run(create_user(settings, args.username, password, args.role, args.region, args.locale))


def cmd_import_regions(args: argparse.Namespace) -> None:
    settings = settings_for(args)
    asyncio.run(db.apply_migrations(settings.database_url))
    asyncio.run(import_regions(settings, args.file))


def cmd_publish(args: argparse.Namespace) -> None:
    settings = settings_for(args)
    asyncio.run(db.apply_migrations(settings.database_url))
    asyncio.run(publish(settings, args.month))


def cmd_backup(args: argparse.Namespace) -> None:
    from server.cli import backup  # noqa: PLC0415

    settings = settings_for(args)

    async def run() -> dict[str, int]:
        async with db.connect(settings.database_url):
            return await backup.backup(Path(args.file), progress=_progress)

    counts = asyncio.run(run())
    print(f"backup written to {args.file}: {sum(counts.values())} rows in {len(counts)} tables")


def cmd_restore(args: argparse.Namespace) -> None:
    from server.cli import backup  # noqa: PLC0415

    settings = settings_for(args)
    asyncio.run(db.apply_migrations(settings.database_url))

    async def run() -> dict[str, int]:
        async with db.connect(settings.database_url):
            return await backup.restore(Path(args.file), progress=_progress)

    try:
        counts = asyncio.run(run())
    except backup.BackupError as error:
        raise CommandError(str(error)) from None
    print(f"restored {sum(counts.values())} rows in {len(counts)} tables from {args.file}")


def _progress(table: str, rows: int) -> None:
    print(f"  {table}: {rows} rows", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The `jianfu` command line: each subcommand with its arguments and the function it runs."""
    parser = argparse.ArgumentParser(prog="jianfu", description="Jianfu burden ledger")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_serving(commands)
    _add_data(commands)
    return parser


Commands = argparse._SubParsersAction  # what add_subparsers answers; argparse names no public type for it


def _add_serving(commands: Commands) -> None:
    """serve, migrate and demo: what sets up and runs the server."""
    serve = commands.add_parser("serve", help="apply pending migrations, then serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--demo", action="store_true", help="allow the demo secret when JIANFU_SECRET is unset")
    serve.set_defaults(run=cmd_serve)
    commands.add_parser("migrate", help="apply pending migrations").set_defaults(run=cmd_migrate)
    demo = commands.add_parser("demo", help="load the demo county, with progress")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the store already has regions")
    demo.add_argument("--seed", type=int, default=2024)
    demo.set_defaults(run=cmd_demo)


def _add_data(commands: Commands) -> None:
    """create-user, import-regions, publish, backup and restore: what an operator does to the store."""
    user = commands.add_parser("create-user", help="create an account (password from JIANFU_PASSWORD or a prompt)")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=("cadre", "supervisor", "admin"))
    user.add_argument("--region")
    user.add_argument("--locale", choices=("zh-Hans", "zh-Hant", "en"))
    user.set_defaults(run=cmd_create_user)
    regions = commands.add_parser(
        "import-regions", help="import code,parent,level,name,name_hant,population,households"
    )
    regions.add_argument("file")
    regions.set_defaults(run=cmd_import_regions)
    publish_cmd = commands.add_parser(
        "publish", help="publish the months whose publication day has come (the scheduler does the same)"
    )
    publish_cmd.add_argument("--month", help="only this month (YYYY-MM)")
    publish_cmd.set_defaults(run=cmd_publish)
    backup = commands.add_parser("backup", help="write a consistent copy of the store to FILE (gzip'd JSON lines)")
    backup.add_argument("file")
    backup.set_defaults(run=cmd_backup)
    restore = commands.add_parser("restore", help="load a backup into an empty store (SQLite or PostgreSQL)")
    restore.add_argument("file")
    restore.set_defaults(run=cmd_restore)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with in_locale(environment_locale(dict(os.environ))):
            args.run(args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
