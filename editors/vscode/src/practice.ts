/**
 * Practice: the server's `pyguide/practice/*` requests, the shapes of their
 * answers, the status-bar text and the practice view's keyboard flow. Pure
 * (no `vscode` import, no DOM): the extension (extension.ts) and the webview
 * script (webview/practice.ts) both build on it, and the unit tests run it
 * in Node.
 */

/** `{ topic?, module? }` → `NextResult`. */
export const PRACTICE_NEXT = "pyguide/practice/next";
/** `{ id, answer?, grade? }` → `AnswerResult`. */
export const PRACTICE_ANSWER = "pyguide/practice/answer";
/** `{}` → `StatusResult`. */
export const PRACTICE_STATUS = "pyguide/practice/status";

export type CardKind = "question" | "choice" | "output" | "spot";
export const GRADES = ["again", "hard", "good", "easy"] as const;
export type Grade = (typeof GRADES)[number];

/** A card as the server shows it: never its answer. */
export interface Prompt {
  /** `<topic-id>#<card-id>`. */
  id: string;
  topic: string;
  topicTitle: string;
  module: string;
  kind: CardKind;
  prompt: string;
  /** Choice cards: the options, in the order the server chose. */
  options?: string[];
  /** Output and spot cards: the snippet. */
  code?: string;
  /**
   * Question cards: what a good answer names, shown when the user reveals
   * them (they grade themselves against it).
   */
  keyPoints?: string[];
}

export interface NextResult {
  card: Prompt | null;
  due: number;
  new: number;
  /** False when the `practice` setting is off or the progress database is unusable. */
  enabled: boolean;
}

export interface AnswerResult {
  /** Null for a question card (graded by the user). */
  correct: boolean | null;
  expected: string;
  explanation: string;
  grade: Grade;
  /** ISO 8601 UTC. */
  nextDue: string;
  due: number;
  enabled: boolean;
}

export interface StatusResult {
  due: number;
  new: number;
  enabled: boolean;
}

export interface AnswerParams {
  id: string;
  answer?: number | string;
  grade?: Grade;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/** True for a well-formed card. */
export function isPrompt(value: unknown): value is Prompt {
  if (!isObject(value)) {
    return false;
  }
  const { id, topic, topicTitle, module, kind, prompt, options, code } = value;
  return (
    typeof id === "string" &&
    typeof topic === "string" &&
    typeof topicTitle === "string" &&
    typeof module === "string" &&
    typeof prompt === "string" &&
    (kind === "question" || kind === "choice" || kind === "output" || kind === "spot") &&
    (kind !== "choice" || (Array.isArray(options) && options.length > 0 && options.every((o) => typeof o === "string"))) &&
    ((kind !== "output" && kind !== "spot") || typeof code === "string") &&
    (value.keyPoints === undefined || (Array.isArray(value.keyPoints) && value.keyPoints.every((p) => typeof p === "string")))
  );
}

/** True for a well-formed `pyguide/practice/next` answer. */
export function isNextResult(value: unknown): value is NextResult {
  return (
    isObject(value) &&
    (value.card === null || isPrompt(value.card)) &&
    isCount(value.due) &&
    isCount(value.new) &&
    typeof value.enabled === "boolean"
  );
}

/** True for a well-formed `pyguide/practice/answer` answer. */
export function isAnswerResult(value: unknown): value is AnswerResult {
  return (
    isObject(value) &&
    (value.correct === null || typeof value.correct === "boolean") &&
    typeof value.expected === "string" &&
    typeof value.explanation === "string" &&
    GRADES.includes(value.grade as Grade) &&
    typeof value.nextDue === "string" &&
    isCount(value.due) &&
    typeof value.enabled === "boolean"
  );
}

/** True for a well-formed `pyguide/practice/status` answer. */
export function isStatusResult(value: unknown): value is StatusResult {
  return isObject(value) && isCount(value.due) && isCount(value.new) && typeof value.enabled === "boolean";
}

/** The status-bar text, or undefined when the item is hidden (practice off, nothing due, no answer). */
export function statusBarText(status: StatusResult | undefined): string | undefined {
  if (!status?.enabled || status.due === 0) {
    return undefined;
  }
  return `$(mortar-board) ${status.due} due`;
}

/** The status bar's tooltip. */
export function statusBarTooltip(status: StatusResult): string {
  const cards = (n: number) => `${n} card${n === 1 ? "" : "s"}`;
  return `PyGuide: ${cards(status.due)} due for practice, ${cards(status.new)} new. Click to practise.`;
}

/** "in 3 days", "in 10 minutes", "now": when a card comes back, from `now`. */
export function dueIn(nextDue: string, now: Date): string {
  const at = Date.parse(nextDue);
  if (Number.isNaN(at)) {
    return nextDue;
  }
  const minutes = Math.round((at - now.getTime()) / 60_000);
  if (minutes <= 0) {
    return "now";
  }
  const unit = (n: number, name: string) => `in ${n} ${name}${n === 1 ? "" : "s"}`;
  if (minutes < 60) {
    return unit(minutes, "minute");
  }
  const hours = Math.round(minutes / 60);
  if (hours < 24) {
    return unit(hours, "hour");
  }
  const days = Math.round(hours / 24);
  if (days < 60) {
    return unit(days, "day");
  }
  return unit(Math.round(days / 30), "month");
}

// ------------------------------------------------------------- the view's flow

/**
 * Where the practice view is: waiting for the server, asking a card (the
 * user's pick so far), the key points of a question card revealed, the
 * result of an answer, or no card to show.
 */
export type Phase =
  | { name: "loading" }
  | { name: "asking"; card: Prompt; choice?: number; line?: number; typed: string }
  | { name: "revealed"; card: Prompt }
  | { name: "result"; card: Prompt; result: AnswerResult; answer?: number | string }
  | { name: "empty"; enabled: boolean; due: number; new: number }
  | { name: "error"; message: string };

/** What a key press does. */
export type Action =
  | { do: "none" }
  /** The phase changes in the view only. */
  | { do: "update"; phase: Phase }
  /** Sends the answer (the view shows "checking…" until the result). */
  | { do: "answer"; params: AnswerParams }
  | { do: "next" }
  | { do: "close" };

/** The key as the view sees it: `KeyboardEvent.key`, and whether a text field has the focus. */
export interface Key {
  key: string;
  inTextField?: boolean;
  shift?: boolean;
}

/** The number of lines of a snippet (a final newline ends the last line). */
export function lineCount(code: string): number {
  const lines = code.split("\n");
  return lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
}

/**
 * The view's answer to a key. Number keys pick an option (choice), type a
 * line number (spot) or grade (question card revealed: 1–4 =
 * again/hard/good/easy); Enter submits; space reveals a question card's
 * key points; `n` asks for the next card once a card is answered; Escape
 * closes. In the output card's text field only Enter (submit; Shift+Enter
 * is a new line) and Escape act.
 */
export function onKey(phase: Phase, key: Key): Action {
  if (key.key === "Escape") {
    return { do: "close" };
  }
  if (key.inTextField) {
    if (key.key === "Enter" && !key.shift && phase.name === "asking" && phase.card.kind === "output") {
      return { do: "answer", params: { id: phase.card.id, answer: phase.typed } };
    }
    return { do: "none" };
  }
  const digit = /^[0-9]$/.test(key.key) ? Number(key.key) : undefined;
  switch (phase.name) {
    case "asking": {
      const { card } = phase;
      if (card.kind === "question") {
        return key.key === " " || key.key === "Enter" ? { do: "update", phase: { name: "revealed", card } } : { do: "none" };
      }
      if (card.kind === "choice") {
        const count = card.options?.length ?? 0;
        if (digit !== undefined && digit >= 1 && digit <= count) {
          return { do: "update", phase: { ...phase, choice: digit - 1 } };
        }
        if (key.key === "ArrowDown" || key.key === "ArrowUp") {
          const step = key.key === "ArrowDown" ? 1 : -1;
          const from = phase.choice ?? (step === 1 ? -1 : count);
          return { do: "update", phase: { ...phase, choice: (from + step + count) % count } };
        }
        if (key.key === "Enter" && phase.choice !== undefined) {
          return { do: "answer", params: { id: card.id, answer: phase.choice } };
        }
        return { do: "none" };
      }
      if (card.kind === "spot") {
        const lines = lineCount(card.code ?? "");
        if (digit !== undefined) {
          const typed = `${phase.typed}${digit}`.replace(/^0+/, "");
          const line = Number(typed);
          if (typed === "" || line > lines) {
            // A number past the end starts over from this digit.
            const fresh = digit >= 1 && digit <= lines ? digit : undefined;
            return { do: "update", phase: { ...phase, typed: fresh ? String(fresh) : "", line: fresh } };
          }
          return { do: "update", phase: { ...phase, typed, line } };
        }
        if (key.key === "Backspace") {
          const typed = phase.typed.slice(0, -1);
          return { do: "update", phase: { ...phase, typed, line: typed ? Number(typed) : undefined } };
        }
        if (key.key === "ArrowDown" || key.key === "ArrowUp") {
          const step = key.key === "ArrowDown" ? 1 : -1;
          const from = phase.line ?? (step === 1 ? 0 : lines + 1);
          const line = Math.min(Math.max(from + step, 1), lines);
          return { do: "update", phase: { ...phase, line, typed: String(line) } };
        }
        if (key.key === "Enter" && phase.line !== undefined) {
          return { do: "answer", params: { id: card.id, answer: phase.line } };
        }
        return { do: "none" };
      }
      return { do: "none" };
    }
    case "revealed":
      if (digit !== undefined && digit >= 1 && digit <= GRADES.length) {
        return { do: "answer", params: { id: phase.card.id, grade: GRADES[digit - 1] } };
      }
      return { do: "none" };
    case "result":
    case "empty":
    case "error":
      return key.key === "n" || key.key === "Enter" ? { do: "next" } : { do: "none" };
    default:
      return { do: "none" };
  }
}

// ----------------------------------------------------- messages between the two

/** From the webview to the extension. */
export type ViewMessage =
  | { type: "next" }
  | { type: "answer"; params: AnswerParams }
  | { type: "open-topic"; topic: string }
  | { type: "close" };

/** From the extension to the webview. */
export type HostMessage =
  | { type: "next"; next: NextResult }
  | { type: "result"; result: AnswerResult }
  | { type: "error"; message: string };

/** True for a message the webview may send (anything else is ignored). */
export function isViewMessage(value: unknown): value is ViewMessage {
  if (!isObject(value)) {
    return false;
  }
  switch (value.type) {
    case "next":
    case "close":
      return true;
    case "open-topic":
      return typeof value.topic === "string";
    case "answer": {
      const params = value.params;
      return (
        isObject(params) &&
        typeof params.id === "string" &&
        (params.answer === undefined || typeof params.answer === "number" || typeof params.answer === "string") &&
        (params.grade === undefined || GRADES.includes(params.grade as Grade))
      );
    }
    default:
      return false;
  }
}

// ------------------------------------------------------------------ the page

const NONCE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A nonce for the webview's Content-Security-Policy: 32 letters and digits from `random` bytes. */
export function makeNonce(random: (size: number) => Uint8Array): string {
  return Array.from(random(32), (byte) => NONCE_CHARS[byte % NONCE_CHARS.length]).join("");
}

/**
 * The webview page: a strict Content-Security-Policy (nothing by default;
 * the one script and the one style sheet only with `nonce`, images only
 * from the webview's own resources), the script from `scriptUri`. The
 * page is empty: the script builds every element with `textContent`, so
 * card text is never parsed as HTML.
 */
export function practiceHtml(options: { nonce: string; cspSource: string; scriptUri: string; styleUri: string }): string {
  const { nonce, cspSource, scriptUri, styleUri } = options;
  const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const csp = [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${attr(nonce)}" href="${attr(styleUri)}">
<title>PyGuide: Practice</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading the next card…</p></main>
<script nonce="${attr(nonce)}" src="${attr(scriptUri)}"></script>
</body>
</html>
`;
}
