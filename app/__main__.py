"""Command line: serve, migrate, seed-demo, create-staff, verify-duty-log, vapid-keys."""

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
    from app.org.demo import DEMO_PASSWORD, demo_accounts, demo_exists, seed_demo

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
    seed = sub.add_parser("seed-demo", help="create the demo company, offices and accounts")
    seed.add_argument("--if-empty", action="store_true", help="do nothing when the demo data exists")
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
        case "seed-demo":
            return _seed_demo(args.if_empty)
        case "create-staff":
            return _create_staff(args)
        case "verify-duty-log":
            return _verify_duty_log(args.office)
        case "vapid-keys":
            return _vapid_keys()
    return 2


if __name__ == "__main__":
    sys.exit(main())
