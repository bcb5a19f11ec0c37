"""An asyncio crawler with the usual event-loop mistakes."""

import asyncio
import subprocess
import time

import requests


async def fetch(url: str) -> str:
    # Blocking calls inside `async def` stall every other task.
    time.sleep(0.1)
    response = requests.get(url, timeout=10)
    subprocess.run(["echo", url], check=True)
    with open("/tmp/crawl.log", "a") as log:
        log.write(url + "\n")
    return response.text


async def crawl_one_by_one(urls: list[str]) -> list[str]:
    pages = []
    for url in urls:
        pages.append(await fetch(url))
    return pages


async def crawl_concurrently(urls: list[str]) -> list[str]:
    return await asyncio.gather(*(fetch(u) for u in urls))


async def crawl_structured(urls: list[str]) -> list[str]:
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(fetch(u)) for u in urls]
    return [t.result() for t in tasks]


async def main() -> None:
    urls = ["https://example.org", "https://example.com"]
    # The task is not stored: it may be garbage-collected mid-run.
    asyncio.create_task(fetch("https://example.net"))
    heartbeat = asyncio.create_task(asyncio.sleep(1))
    print(await crawl_concurrently(urls), await crawl_structured(urls), await crawl_one_by_one(urls))
    await heartbeat


if __name__ == "__main__":
    asyncio.run(main())
