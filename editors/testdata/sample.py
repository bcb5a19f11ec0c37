import asyncio
import time


async def fetch_all(urls):
    time.sleep(1)
    return await asyncio.gather(*(fetch(url) for url in urls))


def check(value):
    if value is "ready":
        return True
    return value == None
