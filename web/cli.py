"""The ``huakai`` command: demo, serve, migrate, check and a few committee chores."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from participation.core import db
from participation.core.clock import utc_now
from participation.core.errors import DomainError
from web.core.settings import SPECS, Settings, SettingsError, demo_provider, load_settings

# How every server runs Huakai (`huakai serve`, `huakai demo`, the browser tests). uvicorn
# would otherwise believe X-Forwarded-For from 127.0.0.1 before the app decides, so anyone on
# the machine (or behind a local proxy) could pick their own address past the rate limits:
# the app alone reads it, from HUAKAI_TRUSTED_PROXIES (web.client_ip).
SERVER_OPTIONS: dict[str, Any] = {"proxy_headers": False, "server_header": False}


def server_for(app: Any, *, host: str, port: int, log_level: str = "warning") -> Any:
    """A uvicorn server for one worker, run as every server runs Huakai."""
    import uvicorn

    return uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level=log_level, **SERVER_OPTIONS)
    )


def _run(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    async def wrapped() -> Any:
        await db.connect(settings.database_url)
        try:
            return await work()
        finally:
            await db.disconnect()

    return asyncio.run(wrapped())


def _require_migrated(settings: Settings) -> None:
    async def check() -> None:
        await db.require_migrated(settings.database_url)

    _run(settings, check)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    applied = _run(settings, lambda: db.migrate(settings.database_url))
    print("applied: " + ", ".join(applied) if applied else "database is up to date")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    for spec in SPECS:
        value = getattr(settings, spec.name.lower())
        shown = "(set)" if spec.secret and value else value
        if spec.name == "OIDC_PROVIDERS":
            shown = ", ".join(p.name for p in value) or "(none)"
        print(f"HUAKAI_{spec.name} = {shown}")

    async def probe() -> list[str]:
        if not await db.ping():
            raise RuntimeError("database does not answer")
        return await db.pending_migrations(settings.database_url)

    try:
        pending = _run(settings, probe)
    except Exception as exc:  # noqa: BLE001 - reported to the operator
        print(f"database: NOT OK ({exc})", file=sys.stderr)
        return 1
    if pending:
        print(f"database: reachable, pending migrations: {', '.join(pending)}", file=sys.stderr)
        return 1
    if not settings.oidc_providers:
        print("warning: no identity provider configured: nobody can sign in", file=sys.stderr)
    print("configuration OK")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    _require_migrated(settings)
    workers = args.workers or settings.workers
    if workers > 1 and settings.database_url.startswith("sqlite"):
        raise SettingsError("more than one worker needs PostgreSQL")
    uvicorn.run(
        "web.asgi:app_factory",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=workers,
        log_level="info",
        access_log=not args.no_access_log,
        **SERVER_OPTIONS,
    )
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:

    from participation.demo.seed import DemoSite, seed_demo
    from participation.media.storage import LocalStorage
    from web.core.app import create_app
    from web.core.settings import DEMO_PROVIDER_NAME
    from web.demo_idp import start_idp
    from web.demo_mail import start_mail_sink

    _require_migrated(settings)
    idp = start_idp(settings.demo_idp_port)
    # What the demo mails lands here, unless a real SMTP server is configured.
    sink = None if settings.smtp_url else start_mail_sink()
    settings = settings.replace(
        oidc_providers=(demo_provider(idp.url), *settings.oidc_providers),
        smtp_url=settings.smtp_url or (sink.url if sink else ""),
    )
    app = create_app(settings)
    app.state.demo_mail = sink
    site = DemoSite(LocalStorage(Path(settings.media_root)), app.state.proposal_url)
    facts = _run(settings, lambda: seed_demo(DEMO_PROVIDER_NAME, utc_now(), site))
    server = server_for(app, host=settings.host, port=settings.port)
    # The block a new user looks for comes last, once the app answers, below anything the
    # start-up printed.
    threading.Thread(
        target=_announce_when_started,
        args=(server, _demo_block(settings, idp.url, facts)),
        daemon=True,
    ).start()
    try:
        server.run()
    finally:
        idp.stop()
        if sink is not None:
            sink.stop()
    return 0


def _demo_block(settings: Settings, idp_url: str, facts: Any) -> str:
    base = settings.base_url
    rule = "=" * 64
    return (
        f"\n{rule}\n"
        "  Huakai demo is running / 花开演示已启动\n"
        f"  App / 网站:                  {base}/\n"
        f"  Community / 社区:            {base}/c/{facts.community_slug}\n"
        f"  Demo identity provider / 演示登录服务: {idp_url}/\n"
        f"  Demo mail / 演示邮件:        {base}/c/{facts.community_slug}/committee/demo-mail"
        " (committee / 两委)\n"
        "\n"
        "  Sign in: click 登录 / Sign in, choose the demo identity provider and type a name\n"
        "  in its 'sub' box (any name; a new name is a new resident).\n"
        "  登录：点“登录”，选演示登录服务，在 sub 一栏填一个名字（随便填；新名字就是新居民）。\n"
        f"  Committee / 社区两委:        {facts.committee_login}\n"
        f"  Second member (appeals) / 第二位两委成员（复核申诉）: {facts.second_committee_login}\n"
        f"  Unused household code / 未用的住户认证码 ({facts.household}): {facts.unused_code}\n"
        "  Stop / 停止: Ctrl+C\n"
        f"{rule}\n"
    )


def _announce_when_started(server: Any, block: str) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    print(block, flush=True)


def cmd_create_community(settings: Settings, args: argparse.Namespace) -> int:
    from participation.communities.services import create_community

    community = _run(
        settings,
        lambda: create_community(
            None,
            slug=args.slug,
            name=args.name,
            street=args.street,
            district=args.district,
            timezone=args.timezone,
            now=utc_now(),
        ),
    )
    print(f"created community {community.slug} (id {community.id})")
    return 0


async def _find_user(args: argparse.Namespace) -> int:
    from participation.accounts.models import Identity, User
    from participation.core.errors import NotFound

    if args.user_id is not None:
        if not await User.exists(id=args.user_id):
            raise NotFound("No such user.")
        return int(args.user_id)
    identity = await Identity.get_or_none(provider=args.provider, subject=args.subject)
    if identity is None:
        raise NotFound("No user has signed in with that provider and subject yet.")
    return identity.user_id


def cmd_grant_role(settings: Settings, args: argparse.Namespace) -> int:
    from participation.accounts.services import set_user_access
    from participation.communities.queries import get_community
    from participation.communities.services import set_role

    async def work() -> str:
        user_id = await _find_user(args)
        if args.role == "admin":
            await set_user_access(None, user_id, admin=not args.revoke, now=utc_now())
            return f"user {user_id}: platform admin {'withdrawn' if args.revoke else 'granted'}"
        if not args.community:
            raise SettingsError("--community is required for community roles")
        community = await get_community(args.community)
        await set_role(None, community.id, user_id, args.role, not args.revoke, now=utc_now())
        return f"user {user_id}: {args.role} in {community.slug} " + (
            "withdrawn" if args.revoke else "granted"
        )

    print(_run(settings, work))
    return 0


def cmd_household_codes(settings: Settings, args: argparse.Namespace) -> int:
    from participation.communities.queries import get_community
    from participation.communities.services import issue_household_codes

    async def work() -> list[Any]:
        community = await get_community(args.community)
        return await issue_household_codes(None, community.id, args.households, now=utc_now())

    for issued in _run(settings, work):
        print(f"{issued.household}\t{issued.code}")
    return 0


def cmd_follow_up(settings: Settings, args: argparse.Namespace) -> int:
    from participation.jobs import run_all

    for report in _run(settings, lambda: run_all(utc_now())):
        print(report)
    return 0


def cmd_send_mail(settings: Settings, args: argparse.Namespace) -> int:
    from web.mail.sender import send_due

    if not settings.smtp_url:
        print("HUAKAI_SMTP_URL is not set: nothing is sent, mail waits in the outbox.")
        return 1
    print(f"sent {_run(settings, lambda: send_due(settings, utc_now()))}")
    return 0


def _quiet_third_party_warnings() -> None:
    """Authlib turns its own deprecation notices on for everyone (about modules it uses
    inside itself and inside the demo provider): they say nothing an operator can act on."""
    from authlib.deprecate import AuthlibDeprecationWarning

    warnings.filterwarnings("ignore", category=AuthlibDeprecationWarning)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="huakai", description="Huakai (花开) participation")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run the demo: seeded community + local identity provider")
    serve = sub.add_parser("serve", help="serve the site with uvicorn")
    serve.add_argument("--workers", type=int)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-access-log", action="store_true")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("check", help="validate the configuration and the database")
    create = sub.add_parser("create-community", help="create a community")
    create.add_argument("--slug", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--street", default="")
    create.add_argument("--district", default="")
    create.add_argument("--timezone", default="Asia/Shanghai")
    grant = sub.add_parser("grant-role", help="grant (or --revoke) committee, volunteer, admin")
    grant.add_argument("--role", required=True, choices=["committee", "volunteer", "admin"])
    grant.add_argument("--community")
    who = grant.add_mutually_exclusive_group(required=True)
    who.add_argument("--user-id", type=int)
    who.add_argument("--subject")
    grant.add_argument("--provider", default="demo")
    grant.add_argument("--revoke", action="store_true")
    sub.add_parser(
        "follow-up", help="warn teams of plots without care, remind terms ending (for cron)"
    )
    sub.add_parser("send-mail", help="send the mail that is due (for cron; serve sends too)")
    codes = sub.add_parser("household-codes", help="print new single-use household codes")
    codes.add_argument("--community", required=True)
    codes.add_argument("households", nargs="+", help="labels such as 3栋2单元501")
    return parser


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "demo": cmd_demo,
    "serve": cmd_serve,
    "migrate": cmd_migrate,
    "check": cmd_check,
    "create-community": cmd_create_community,
    "grant-role": cmd_grant_role,
    "household-codes": cmd_household_codes,
    "follow-up": cmd_follow_up,
    "send-mail": cmd_send_mail,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _quiet_third_party_warnings()
    # The demo's screen is for a new user: its URLs, then only what goes wrong.
    level = logging.WARNING if args.command == "demo" else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    overrides = {"DEMO": True} if args.command == "demo" else None
    try:
        settings = load_settings(os.environ, overrides)
        return COMMANDS[args.command](settings, args)
    except (SettingsError, db.NotMigrated) as exc:
        print(f"huakai: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"huakai: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
