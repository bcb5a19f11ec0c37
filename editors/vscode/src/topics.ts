/**
 * Topic plumbing that needs no VS Code: the virtual document addresses the
 * "Open Topic" view uses, and the topics a code-action answer offers to
 * explain ("Explain: <title>" actions running `pyguide.openTopic`).
 */

import { OPEN_TOPIC_COMMAND, topicIdFromArgs } from "./protocol";

/** URI scheme of the read-only topic documents. */
export const TOPIC_SCHEME = "pyguide-topic";

/** The virtual document path for a topic id (`/asyncio-gather.md`). */
export function topicPath(id: string): string {
  return `/${encodeURIComponent(id)}.md`;
}

/** The topic id in a virtual document path, or undefined. */
export function topicIdFromPath(path: string): string | undefined {
  const match = /^\/([^/]+)\.md$/.exec(path);
  if (!match) {
    return undefined;
  }
  try {
    const id = decodeURIComponent(match[1]);
    return id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The subset of LSP `Command` / `CodeAction` read here. */
interface CommandLike {
  title?: unknown;
  command?: unknown;
  arguments?: unknown;
}

export interface ExplainTarget {
  id: string;
  /** The action title without its "Explain: " prefix. */
  title: string;
}

function asCommand(value: unknown): CommandLike | undefined {
  return typeof value === "object" && value !== null ? (value as CommandLike) : undefined;
}

/**
 * The topics a `textDocument/codeAction` answer offers to explain, in the
 * server's order, each once. Accepts both bare `Command`s and `CodeAction`s
 * carrying a `command`.
 */
export function explainTargets(actions: readonly unknown[] | null | undefined): ExplainTarget[] {
  const targets: ExplainTarget[] = [];
  for (const action of actions ?? []) {
    const outer = asCommand(action);
    if (!outer) {
      continue;
    }
    // A bare Command has a string `command`; a CodeAction nests one.
    const command = typeof outer.command === "string" ? outer : asCommand(outer.command);
    if (!command || command.command !== OPEN_TOPIC_COMMAND) {
      continue;
    }
    const id = topicIdFromArgs(Array.isArray(command.arguments) ? command.arguments : undefined);
    if (id === undefined || targets.some((t) => t.id === id)) {
      continue;
    }
    const rawTitle = typeof outer.title === "string" ? outer.title : id;
    targets.push({ id, title: rawTitle.replace(/^Explain:\s*/, "") });
  }
  return targets;
}
