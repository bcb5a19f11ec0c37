/**
 * The parts of the `pyguide serve` protocol this extension speaks, in one
 * place: command names, the custom request and the shapes of their results.
 * Pure (no `vscode` import) so the unit and protocol tests share it.
 */

/** Server command: `[query]` → `SearchHit[]`. */
export const SEARCH_COMMAND = "pyguide.search";
/** Server command: `[id]` → shows the topic; code actions and hover links use it. */
export const OPEN_TOPIC_COMMAND = "pyguide.openTopic";
/**
 * Server command: `[{ uri, range, show? }]` → `SearchHit[]`, the topics of
 * the constructs found in the selected code first (each with its rule
 * `code`), then text hits. The server's "Search the guide for the
 * selection" code action runs it with `show: true`.
 */
export const SEARCH_SELECTION_COMMAND = "pyguide.searchSelection";
/** Custom request: `{ id }` → `TopicResult`. */
export const TOPIC_REQUEST = "pyguide/topic";

/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = "pyguide";

/** One `pyguide.search` result; `snippet` wraps matched words in `**`. */
export interface SearchHit {
  id: string;
  title: string;
  module: string;
  score: number;
  snippet: string;
  /** The rule code of a construct found in searched code (`PG206`). */
  code?: string;
  /** A "did you mean" suggestion (nothing matched; this topic is near). */
  suggestion?: boolean;
}

/** A position and range as LSP sends them. */
export interface LspPosition {
  line: number;
  character: number;
}
export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

/** The `pyguide.searchSelection` argument for a selection of a document. */
export interface SelectionArgs {
  uri: string;
  range: LspRange;
  show: boolean;
}

/**
 * The arguments of `pyguide.searchSelection` for `range` of `uri`; the
 * extension shows the hits itself, so the server is told not to (`show: false`).
 */
export function searchSelectionArgs(uri: string, range: LspRange): [SelectionArgs] {
  return [{ uri, range, show: false }];
}

/**
 * The selection a `pyguide.searchSelection` invocation carries (as the
 * server's code action sends it), or undefined for any other shape.
 */
export function selectionFromArgs(args: readonly unknown[] | undefined): { uri: string; range: LspRange } | undefined {
  const first = args?.[0] as Partial<SelectionArgs> | undefined;
  const isPos = (p: unknown): p is LspPosition =>
    typeof p === "object" && p !== null && typeof (p as LspPosition).line === "number" && typeof (p as LspPosition).character === "number";
  if (typeof first !== "object" || first === null || typeof first.uri !== "string") {
    return undefined;
  }
  const range = first.range;
  if (!range || !isPos(range.start) || !isPos(range.end)) {
    return undefined;
  }
  return { uri: first.uri, range: { start: range.start, end: range.end } };
}

/** The `pyguide/topic` result. */
export interface TopicResult {
  id: string;
  title: string;
  markdown: string;
}

/** Extension command ids (contributed in package.json). */
export const EXTENSION_COMMANDS = {
  searchTopics: "pyguide.searchTopics",
  showTopic: "pyguide.showTopic",
  explainAtCursor: "pyguide.explainAtCursor",
  searchSelection: "pyguide.searchGuideForSelection",
  restartServer: "pyguide.restartServer",
  showOutput: "pyguide.showOutput",
  practice: "pyguide.practice",
} as const;

/**
 * Commands a hover's Markdown may run: the server's topic command and the
 * extension's own. Any other `command:` link in a hover stays inert.
 */
export const TRUSTED_HOVER_COMMANDS: readonly string[] = [
  OPEN_TOPIC_COMMAND,
  EXTENSION_COMMANDS.showTopic,
  EXTENSION_COMMANDS.searchTopics,
];

/** True for a well-formed `pyguide.search` result array. */
export function isSearchHits(value: unknown): value is SearchHit[] {
  return (
    Array.isArray(value) &&
    value.every(
      (hit) =>
        typeof hit === "object" &&
        hit !== null &&
        typeof hit.id === "string" &&
        typeof hit.title === "string" &&
        typeof hit.module === "string" &&
        typeof hit.snippet === "string",
    )
  );
}

/** True for a well-formed `pyguide/topic` result. */
export function isTopicResult(value: unknown): value is TopicResult {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as TopicResult).id === "string" &&
    typeof (value as TopicResult).title === "string" &&
    typeof (value as TopicResult).markdown === "string"
  );
}

/**
 * The topic id a `pyguide.openTopic` invocation carries (`[id]`), or
 * undefined when the arguments are not that shape.
 */
export function topicIdFromArgs(args: readonly unknown[] | undefined): string | undefined {
  const id = args?.[0];
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/**
 * Parses a Markdown `command:` link target such as
 * `command:pyguide.openTopic?%5B%22asyncio-gather%22%5D` into its command and
 * arguments. Returns undefined for anything else.
 */
export function parseCommandLink(target: string): { command: string; args: unknown[] } | undefined {
  const match = /^command:([A-Za-z0-9_.-]+)(?:\?(.*))?$/.exec(target.trim());
  if (!match) {
    return undefined;
  }
  const [, command, query] = match;
  if (query === undefined || query === "") {
    return { command, args: [] };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeURIComponent(query));
  } catch {
    return undefined;
  }
  return { command, args: Array.isArray(decoded) ? decoded : [decoded] };
}

/** Every `command:` link target in a Markdown text, in order. */
export function commandLinks(markdown: string): string[] {
  const links: string[] = [];
  for (const match of markdown.matchAll(/\]\((command:[^)\s]+)\)/g)) {
    links.push(match[1]);
  }
  return links;
}
