/**
 * Search-as-you-type logic for the "PyGuide: Search Topics" QuickPick:
 * formatting `pyguide.search` hits as items, and a debounced query runner
 * that drops answers to queries the user has already typed past. Pure:
 * timers are injected, so the tests drive time by hand.
 */

import type { SearchHit } from "./protocol";

/** The fields of a `vscode.QuickPickItem` this extension sets. */
export interface TopicItem {
  label: string;
  description: string;
  detail: string;
  /** Shown even when VS Code's own filter would hide it: the server already matched. */
  alwaysShow: true;
  topicId: string;
}

/** Milliseconds between the last keystroke and the query. */
export const SEARCH_DEBOUNCE_MS = 120;
/** Results asked for per query. */
export const SEARCH_LIMIT = 20;
/** Longest snippet shown under an item, in characters. */
export const SNIPPET_MAX = 160;

/**
 * Plain text from a search snippet: drops the `**` match markers, collapses
 * whitespace and cuts at `max` characters on a word boundary.
 */
export function plainSnippet(snippet: string, max: number = SNIPPET_MAX): string {
  const text = snippet.replace(/\*\*/g, "").replace(/\s+/g, " ").trim();
  if (text.length <= max) {
    return text;
  }
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:…]+$/, "")}…`;
}

/**
 * VS Code renders `$(name)` in QuickPick labels as an icon; a topic title
 * such as `$(echo)` must show as typed.
 */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, "\\$(");
}

/**
 * One QuickPick item per hit: title, then module and id (after the rule code
 * for a construct found in the selection, after "did you mean?" for a
 * suggestion), then the snippet.
 */
export function toTopicItem(hit: SearchHit): TopicItem {
  const why = hit.code ? `${hit.code} in the selection · ` : hit.suggestion ? "did you mean? · " : "";
  return {
    label: escapeIcons(hit.title),
    description: `${why}${hit.module} · ${hit.id}`,
    detail: escapeIcons(plainSnippet(hit.snippet)),
    alwaysShow: true,
    topicId: hit.id,
  };
}

export interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export interface Cancellable {
  cancel(): void;
}

/**
 * Runs `search(query)` `delay` ms after the last `update(query)`, cancels the
 * previous in-flight search when a newer one starts, and delivers only the
 * answer to the newest query to `onResult` (older answers are dropped even if
 * they arrive later). An empty query clears the results without asking.
 */
export class LatestSearch<T> {
  private timer: unknown;
  private generation = 0;
  private inFlight: Cancellable | undefined;

  constructor(
    private readonly search: (query: string, token: { register(c: Cancellable): void }) => Promise<T>,
    private readonly onResult: (query: string, result: T | undefined, error?: unknown) => void,
    private readonly timers: Timers,
    private readonly delay: number = SEARCH_DEBOUNCE_MS,
  ) {}

  /** The user typed; `query` is the whole input. */
  update(query: string): void {
    this.generation += 1;
    const generation = this.generation;
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const trimmed = query.trim();
    if (trimmed.length === 0) {
      this.cancelInFlight();
      this.onResult(query, undefined);
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.run(trimmed, generation);
    }, this.delay);
  }

  /** Stops everything: no timer fires and no answer is delivered after this. */
  dispose(): void {
    this.generation += 1;
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.cancelInFlight();
  }

  private cancelInFlight(): void {
    this.inFlight?.cancel();
    this.inFlight = undefined;
  }

  private async run(query: string, generation: number): Promise<void> {
    this.cancelInFlight();
    let result: T | undefined;
    let error: unknown;
    try {
      result = await this.search(query, { register: (c) => (this.inFlight = c) });
    } catch (caught) {
      error = caught;
    }
    if (generation !== this.generation) {
      return;
    }
    this.inFlight = undefined;
    this.onResult(query, result, error);
  }
}
