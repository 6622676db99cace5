"""Run in a subprocess after `python -m app setup`: sign in through the real form as the new
supervisor, against the database the environment names; exit 0 when the home page greets them."""

from __future__ import annotations

import asyncio
import re
import sys

import httpx

from app.db import close_pool, open_pool
from app.main import create_app


async def main(username: str, password: str) -> int:
    await open_pool()
    try:
        app = create_app(manage_pool=False, alerts_worker=False)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            token = re.search(r'name="csrf-token" content="([^"]+)"', (await client.get("/login")).text).group(1)
            form = {"username": username, "password": password, "_csrf_token": token}
            answer = await client.post("/login", data=form, follow_redirects=False)
            if answer.status_code != 303:
                print(f"sign-in refused: {answer.status_code}", file=sys.stderr)
                return 1
            home = await client.get("/")
            print(home.status_code, "王主管" in home.text)
            return 0 if home.status_code == 200 and "王主管" in home.text else 1
    finally:
        await close_pool()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
