import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeIcons, LatestSearch, plainSnippet, type Timers, toTopicItem } from "../../src/search";

/** Timers advanced by hand. */
class FakeTimers implements Timers {
  private now = 0;
  private next = 1;
  private pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= this.now) {
        this.pending.delete(id);
        timer.fn();
      }
    }
  }
  get count(): number {
    return this.pending.size;
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("toTopicItem", () => {
  it("says why a construct hit or a suggestion is listed", () => {
    const base = { id: "asyncio-event-loop", title: "Event loop", module: "asyncio", score: 3, snippet: "PG206: blocking call" };
    assert.equal(toTopicItem({ ...base, code: "PG206" }).description, "PG206 in the selection · asyncio · asyncio-event-loop");
    assert.equal(toTopicItem({ ...base, suggestion: true }).description, "did you mean? · asyncio · asyncio-event-loop");
    assert.equal(toTopicItem(base).description, "asyncio · asyncio-event-loop");
  });

  it("shows title, module and id, and a plain snippet", () => {
    const item = toTopicItem({
      id: "asyncio-gather",
      title: "asyncio.gather and TaskGroup",
      module: "asyncio",
      score: 12.5,
      snippet: "…runs the **awaitables**   concurrently\nand **gathers** results",
    });
    assert.deepEqual(item, {
      label: "asyncio.gather and TaskGroup",
      description: "asyncio · asyncio-gather",
      detail: "…runs the awaitables concurrently and gathers results",
      alwaysShow: true,
      topicId: "asyncio-gather",
    });
  });

  it("escapes codicon syntax so titles show as written", () => {
    assert.equal(escapeIcons("$(echo) in shells"), "\\$(echo) in shells");
  });

  it("cuts long snippets on a word boundary with an ellipsis", () => {
    const snippet = plainSnippet("word ".repeat(100), 40);
    assert.ok(snippet.length <= 41, snippet);
    assert.ok(snippet.endsWith("word…"), snippet);
  });
});

describe("LatestSearch", () => {
  it("debounces keystrokes into one query for the last input", async () => {
    const timers = new FakeTimers();
    const asked: string[] = [];
    const got: Array<[string, string[] | undefined]> = [];
    const search = new LatestSearch<string[]>(
      async (query) => {
        asked.push(query);
        return [`hit for ${query}`];
      },
      (query, result) => got.push([query, result]),
      timers,
      100,
    );
    for (const value of ["g", "ga", "gat", "gath", "gather"]) {
      search.update(value);
      timers.advance(50);
    }
    timers.advance(100);
    await flush();
    assert.deepEqual(asked, ["gather"]);
    assert.deepEqual(got, [["gather", ["hit for gather"]]]);
  });

  it("drops an older answer that arrives after a newer query started, and cancels it", async () => {
    const timers = new FakeTimers();
    const pending = new Map<string, ReturnType<typeof deferred<string>>>();
    const cancelled: string[] = [];
    const got: string[] = [];
    const search = new LatestSearch<string>(
      (query, token) => {
        const d = deferred<string>();
        pending.set(query, d);
        token.register({ cancel: () => cancelled.push(query) });
        return d.promise;
      },
      (_query, result) => got.push(result ?? "cleared"),
      timers,
      10,
    );
    search.update("select");
    timers.advance(10);
    search.update("select_related");
    timers.advance(10);
    assert.deepEqual(cancelled, ["select"]);
    pending.get("select_related")!.resolve("new");
    await flush();
    pending.get("select")!.resolve("old");
    await flush();
    assert.deepEqual(got, ["new"]);
  });

  it("clears at once on empty input and ignores the pending query", async () => {
    const timers = new FakeTimers();
    const got: Array<string | undefined> = [];
    const search = new LatestSearch<string>(async (q) => q, (_q, r) => got.push(r), timers, 10);
    search.update("mro");
    search.update("   ");
    timers.advance(50);
    await flush();
    assert.deepEqual(got, [undefined]);
    assert.equal(timers.count, 0);
  });

  it("reports errors of the newest query only", async () => {
    const timers = new FakeTimers();
    const errors: unknown[] = [];
    const search = new LatestSearch<string>(
      async () => {
        throw new Error("server gone");
      },
      (_q, _r, error) => errors.push(error),
      timers,
      10,
    );
    search.update("gil");
    timers.advance(10);
    await flush();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /server gone/);
  });

  it("delivers nothing after dispose", async () => {
    const timers = new FakeTimers();
    const got: unknown[] = [];
    const d = deferred<string>();
    const search = new LatestSearch<string>(() => d.promise, (_q, r) => got.push(r), timers, 10);
    search.update("csrf");
    timers.advance(10);
    search.dispose();
    d.resolve("late");
    await flush();
    search.update("xss");
    search.dispose();
    timers.advance(100);
    await flush();
    assert.deepEqual(got, []);
  });
});
