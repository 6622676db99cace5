"""A push service that only counts (for the benchmark): answers 201 to every POST /push/<token>, in a
process of its own so that the app process being measured does not pay for it. Prints its port."""

from __future__ import annotations

import asyncio

from aiohttp import web


async def main() -> None:
    stats = {"received": 0, "bytes": 0}

    async def push(request: web.Request) -> web.Response:
        stats["bytes"] += len(await request.read())
        stats["received"] += 1
        return web.Response(status=201)

    async def counts(request: web.Request) -> web.Response:
        return web.json_response(stats)

    app = web.Application()
    app.router.add_post("/push/{token}", push)
    app.router.add_get("/stats", counts)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)  # type: ignore[union-attr]
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
