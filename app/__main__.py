"""Command line: serve, migrate, setup, seed-demo, seed-load, create-staff, import-estate, verify-duty-log,
vapid-keys."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys


def _migrate() -> int:
    from app.migrate import migrate

    asyncio.run(migrate())
    print("migrations applied")
    return 0


def _seed_demo(if_empty: bool) -> int:
    from app.demo import DEMO_PASSWORD, demo_accounts, demo_exists, seed_demo

    async def run() -> int:
        if if_empty and await demo_exists():
            print("demo data already present")
        else:
            await seed_demo()
        accounts = await demo_accounts()  # one list, whichever domain made the account
        print(f"demo accounts (password for all: {DEMO_PASSWORD}) — demo only:")
        for username, role, office in accounts:
            print(f"  {username:<14} {role:<17} {office}")
        return 0

    return asyncio.run(run())


_SETUP_FIELDS = [  # (argument, environment variable, prompt)
    ("company", "SETUP_COMPANY", "company name (公司名称)"),
    ("office", "SETUP_OFFICE", "office name (管理处名称)"),
    ("time_zone", "SETUP_TIME_ZONE", "time zone"),
    ("shifts", "SETUP_SHIFTS", "shift preset: three | two | evening"),
    ("username", "SETUP_USERNAME", "supervisor username"),
    ("display_name", "SETUP_NAME", "supervisor name (姓名)"),
]
_SETUP_DEFAULTS = {"time_zone": "Asia/Shanghai", "shifts": "three"}


def _setup_values(args: argparse.Namespace) -> dict[str, str] | None:
    """Flags first, then the environment, then a prompt (unless --no-input); None when something is missing."""
    values: dict[str, str] = {}
    for name, env, prompt in _SETUP_FIELDS:
        value = getattr(args, name) or os.environ.get(env, "")
        if not value and not args.no_input:
            default = _SETUP_DEFAULTS.get(name, "")
            value = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip() or default
        value = value or _SETUP_DEFAULTS.get(name, "")
        if not value:
            print(f"missing: --{name.replace('_', '-')} (or {env})", file=sys.stderr)
            return None
        values[name] = value
    password = os.environ.get("SETUP_PASSWORD", "")
    if not password and not args.no_input:
        password = getpass.getpass("supervisor password (at least 8 characters): ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ", file=sys.stderr)
            return None
    if not password:
        print("missing: SETUP_PASSWORD", file=sys.stderr)
        return None
    return values | {"password": password}


def _setup(args: argparse.Namespace) -> int:
    import msgspec

    from app.errors import RuleViolation
    from app.migrate import migrate
    from app.org.setup import SetupForm, setup_office

    values = _setup_values(args)
    if values is None:
        return 2
    try:
        form = msgspec.convert(values, SetupForm)
    except msgspec.ValidationError as exc:
        print(f"not valid: {exc}", file=sys.stderr)
        return 1

    async def run() -> int:
        from app.db import close_pool, open_pool

        await migrate()
        await open_pool()
        try:
            result = await setup_office(form)
        except RuleViolation as exc:
            print(f"{exc.field or 'error'}: {exc.message}", file=sys.stderr)
            return 1
        finally:
            await close_pool()
        made = "created company" if result.company_created else "added to company"
        print(f"{made} {form.company} (id {result.company_id}): office {form.office} (id {result.office_id})")
        print(f"supervisor {form.username.lower()} (id {result.staff_id}) can now sign in")
        return 0

    return asyncio.run(run())


def _import_estate(office: int, path: str) -> int:
    from pathlib import Path

    from app.estate.importer import import_file_cli

    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 1
    return asyncio.run(import_file_cli(office, path, content))


def _create_staff(args: argparse.Namespace) -> int:
    from app.auth.service import create_staff_account

    password = os.environ.get("STAFF_PASSWORD") or getpass.getpass("password: ")
    staff_id = asyncio.run(
        create_staff_account(args.office, args.username, args.name, args.role, password, department=args.department)
    )
    print(f"created staff {args.username} (id {staff_id})")
    return 0


def _verify_duty_log(office: int | None) -> int:
    from app.duty.service import verify_chain

    breaks = asyncio.run(verify_chain(office))
    if not breaks:
        print("duty log chain verified: intact")
        return 0
    for b in breaks:
        print(f"BROKEN office {b.office_id}: entry #{b.seq} ({b.entry_id}): {b.reason}", file=sys.stderr)
    return 1


def _vapid_keys() -> int:
    from app.alerts.vapid import ensure_key_file, public_key
    from app.settings import get_settings

    if get_settings().vapid_private_key:
        print("VAPID key from VAPID_PRIVATE_KEY (nothing written)")
    else:
        path, created = ensure_key_file()
        print(f"{'created' if created else 'kept the existing'} VAPID key {path}")
    print(f"public key: {public_key()}")
    return 0


def _seed_load(offices: int, years: int) -> int:
    import time

    from app.demo.load import seed_load

    start = time.perf_counter()
    counts = asyncio.run(seed_load(offices, years))
    for table, n in counts.items():
        print(f"  {table:<32} {n:>10,}")
    print(f"{sum(counts.values()):,} rows in {time.perf_counter() - start:.1f} s")
    return 0


def _serve(host: str, port: int, workers: int) -> int:
    import uvicorn

    # X-Forwarded-For is read by the app itself, only from APP_TRUSTED_PROXIES (app/auth/_login.py)
    uvicorn.run("app.asgi:app", host=host, port=port, workers=workers, proxy_headers=False, log_level="info")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default=os.environ.get("APP_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("APP_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1)
    sub.add_parser("migrate", help="apply database migrations")
    setup = sub.add_parser("setup", help="create a company, an office and its first supervisor (again: another office)")
    for name, env, prompt in _SETUP_FIELDS:
        setup.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"{prompt} (env {env})")
    setup.add_argument("--no-input", action="store_true", help="never prompt (password from SETUP_PASSWORD)")
    estate = sub.add_parser("import-estate", help="import buildings, units and residents from an XLSX or CSV file")
    estate.add_argument("--office", type=int, required=True)
    estate.add_argument("file")
    seed = sub.add_parser("seed-demo", help="create the demo company, offices and accounts")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when the demo data exists")
    load = sub.add_parser("seed-load", help="add realistic volumes (per office-year) to the demo offices, for benches")
    load.add_argument("--offices", type=int, default=1)
    load.add_argument("--years", type=int, default=1)
    staff = sub.add_parser("create-staff", help="create a staff account (password from STAFF_PASSWORD or a prompt)")
    staff.add_argument("--office", type=int, required=True)
    staff.add_argument("--username", required=True)
    staff.add_argument("--name", required=True)
    staff.add_argument("--role", required=True)
    staff.add_argument("--department")
    verify = sub.add_parser("verify-duty-log", help="recompute the duty-log hash chain (D5)")
    verify.add_argument("--office", type=int)
    sub.add_parser("vapid-keys", help="make the web push (VAPID) key pair once, in the data dir; print the public key")
    args = parser.parse_args(argv)

    match args.command:
        case "serve":
            return _serve(args.host, args.port, args.workers)
        case "migrate":
            return _migrate()
        case "setup":
            return _setup(args)
        case "import-estate":
            return _import_estate(args.office, args.file)
        case "seed-demo":
            return _seed_demo(args.if_empty)
        case "seed-load":
            return _seed_load(args.offices, args.years)
        case "create-staff":
            return _create_staff(args)
        case "verify-duty-log":
            return _verify_duty_log(args.office)
        case "vapid-keys":
            return _vapid_keys()
    return 2


if __name__ == "__main__":
    sys.exit(main())
