"""An async download pipeline and its threaded counterpart: timeouts and
cancellation, queues, semaphores, moving blocking work to threads, context
variables, async context managers and generators. Then locks and queues for
threads, and logging set up once at the entry point.

The trap here: a worker that swallows `CancelledError`, so shutdown and
timeouts can't stop it."""

import asyncio
import contextvars
import logging
import queue
import threading
from contextlib import aclosing, asynccontextmanager

import httpx

logger = logging.getLogger(__name__)

request_id = contextvars.ContextVar("request_id", default="-")


# --- Async context managers and generators ----------------------------------


class RateLimitedClient:
    """`async with RateLimitedClient(5) as client:` opens one HTTP client and
    lets at most `limit` requests run at once."""

    def __init__(self, limit):
        self.limit = asyncio.Semaphore(limit)
        self.client = None

    async def __aenter__(self):
        self.client = httpx.AsyncClient()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await self.client.aclose()

    async def get(self, url):
        async with self.limit:
            async with asyncio.timeout(10):
                return await self.client.get(url)


@asynccontextmanager
async def pipeline_run(name):
    token = request_id.set(name)
    try:
        yield
    finally:
        request_id.reset(token)


async def read_pages(client, urls):
    for url in urls:
        response = await client.get(url)
        yield url, response.text


# --- Producer and consumers -----------------------------------------------


def parse(html):
    return len(html.split())


async def worker(pages, results):
    while True:
        url, html = await pages.get()
        try:
            results[url] = await asyncio.to_thread(parse, html)
        except asyncio.CancelledError:
            # Swallowed: the worker looks finished, and whoever cancelled it
            # (a TaskGroup, a timeout, shutdown) waits or misbehaves.
            logger.info("worker stopped")
            return
        except ValueError as exc:
            logger.error("could not parse %s: %s", url, exc)
        finally:
            pages.task_done()


async def crawl(urls):
    pages = asyncio.Queue(maxsize=100)
    results = {}
    async with pipeline_run("crawl"), RateLimitedClient(5) as client:
        async with asyncio.TaskGroup() as tg:
            workers = [tg.create_task(worker(pages, results)) for _ in range(4)]
            async with aclosing(read_pages(client, urls)) as stream:
                async for url, html in stream:
                    await pages.put((url, html))
            await asyncio.wait_for(pages.join(), timeout=60)
            for w in workers:
                w.cancel()
    return results


async def save_results(results, path):
    loop = asyncio.get_running_loop()
    ctx = contextvars.copy_context()
    await loop.run_in_executor(None, ctx.run, write_report, results, path)
    # Finish the write even if the caller is cancelled meanwhile.
    await asyncio.shield(notify_done(path))


async def notify_done(path):
    logger.info("report written to %s", path)


def write_report(results, path):
    with open(path, "w", encoding="utf-8") as f:
        for url, words in sorted(results.items()):
            f.write(f"{request_id.get()} {url} {words}\n")


# --- The same with threads -----------------------------------------------


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.value = 0

    def increment(self):
        with self.lock:
            self.value += 1


local = threading.local()


def thread_worker(jobs, counter):
    local.session = httpx.Client()
    while True:
        url = jobs.get()
        if url is None:
            break
        try:
            local.session.get(url, timeout=10)
            counter.increment()
        except httpx.HTTPError as exc:
            logger.error(f"download of {url} failed: {exc}")
        finally:
            jobs.task_done()


def crawl_with_threads(urls, n_threads=4):
    jobs = queue.Queue()
    counter = Counter()
    threads = [threading.Thread(target=thread_worker, args=(jobs, counter)) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for url in urls:
        jobs.put(url)
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    logging.info("downloaded %d pages", counter.value)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    found = asyncio.run(crawl(["https://example.com/a", "https://example.com/b"]))
    asyncio.run(save_results(found, "report.txt"))
    crawl_with_threads(["https://example.com/c"])
