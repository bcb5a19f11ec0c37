/// <reference lib="dom" />
/**
 * The practice view's script, run inside the webview (bundled to
 * dist/practice.js). It renders the card it is sent and turns keys and
 * clicks into messages to the extension, which talks to the server. Every
 * piece of card text goes into the page through `textContent` (never
 * `innerHTML`): a card is data, not markup. The flow itself (which key does
 * what) is `onKey` in ../practice.ts.
 */

import {
  type Action,
  type AnswerResult,
  dueIn,
  GRADES,
  type HostMessage,
  lineCount,
  type NextResult,
  onKey,
  type Phase,
  type Prompt,
  type ViewMessage,
} from "../practice";

declare function acquireVsCodeApi(): { postMessage(message: ViewMessage): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById("app") as HTMLElement;

let phase: Phase = { name: "loading" };
/** True while an answer is on its way to the server. */
let checking = false;
/** The answer on its way (shown beside the expected one). */
let sentAnswer: number | string | undefined;
let counts = { due: 0, new: 0 };

const KIND_LABEL: Record<Prompt["kind"], string> = {
  question: "Interview question",
  choice: "Multiple choice",
  output: "Predict the output",
  spot: "Spot the problem",
};
const GRADE_LABEL = ["Again", "Hard", "Good", "Easy"];

/** An element with a class and text (as text, never markup). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/**
 * `text` with its Markdown code spans (`` `x` ``) as `<code>` elements:
 * the cards are written in Markdown. Built from text nodes only.
 */
function inline(tag: keyof HTMLElementTagNameMap, className: string | undefined, text: string): HTMLElement {
  const node = el(tag, className);
  text.split(/(`[^`\n]+`)/).forEach((part) => {
    if (part.length > 2 && part.startsWith("`") && part.endsWith("`")) {
      node.append(el("code", undefined, part.slice(1, -1)));
    } else if (part) {
      node.append(document.createTextNode(part));
    }
  });
  return node;
}

function button(label: string, key: string, onClick: () => void, primary = false): HTMLButtonElement {
  const b = el("button", primary ? "primary" : "secondary");
  b.type = "button";
  b.append(el("kbd", undefined, key), document.createTextNode(` ${label}`));
  b.addEventListener("click", onClick);
  return b;
}

function post(message: ViewMessage): void {
  vscode.postMessage(message);
}

/**
 * Code with line numbers; `pick` makes each line clickable (spot cards);
 * `marks` classes lines (`right`, `wrong`).
 */
function codeBlock(code: string, selected?: number, pick?: (line: number) => void, marks: Map<number, string> = new Map()): HTMLElement {
  const block = el("ol", pick ? "code pickable" : "code");
  block.setAttribute("aria-label", "code");
  const lines = code.split("\n").slice(0, lineCount(code));
  lines.forEach((text, i) => {
    const line = i + 1;
    const row = el("li", ["line", line === selected ? "selected" : "", marks.get(line) ?? ""].join(" ").trim());
    row.dataset.line = String(line);
    row.append(el("span", "ln", String(line)), el("span", "src", text === "" ? " " : text));
    if (pick) {
      row.title = `Line ${line}`;
      row.addEventListener("click", () => pick(line));
    }
    block.append(row);
  });
  return block;
}

function header(card: Prompt): HTMLElement {
  const head = el("header");
  const where = el("div", "where");
  const topic = el("a", "topic", card.topicTitle);
  topic.href = "#";
  topic.title = `Open the topic ${card.topic}`;
  topic.addEventListener("click", (event) => {
    event.preventDefault();
    post({ type: "open-topic", topic: card.topic });
  });
  where.append(topic, el("span", "module", card.module), el("span", "kind", KIND_LABEL[card.kind]));
  head.append(where, el("div", "counts", `${counts.due} due · ${counts.new} new`));
  return head;
}

function keysLine(...parts: string[]): HTMLElement {
  return el("p", "keys", parts.join(" · "));
}

function act(action: Action): void {
  switch (action.do) {
    case "none":
      return;
    case "update":
      phase = action.phase;
      render();
      return;
    case "answer":
      if (checking) {
        return;
      }
      checking = true;
      sentAnswer = action.params.answer;
      post({ type: "answer", params: action.params });
      render();
      return;
    case "next":
      phase = { name: "loading" };
      render();
      post({ type: "next" });
      return;
    case "close":
      post({ type: "close" });
      return;
  }
}

function renderAsking(p: Extract<Phase, { name: "asking" }>): HTMLElement[] {
  const { card } = p;
  const out: HTMLElement[] = [header(card), inline("h1", "prompt", card.prompt)];
  switch (card.kind) {
    case "question":
      out.push(el("p", "muted", "Answer out loud or on paper, then reveal what a good answer names and grade yourself."));
      out.push(el("div", "actions"));
      out[out.length - 1].append(button("Reveal the key points", "Space", () => act({ do: "update", phase: { name: "revealed", card } }), true));
      out.push(keysLine("Space reveal", "Esc close"));
      break;
    case "choice": {
      const list = el("ol", "options");
      (card.options ?? []).forEach((option, i) => {
        const row = el("li", i === p.choice ? "option selected" : "option");
        row.setAttribute("role", "radio");
        row.setAttribute("aria-checked", String(i === p.choice));
        row.append(el("kbd", undefined, String(i + 1)), inline("span", "text", option));
        row.addEventListener("click", () => {
          phase = { ...p, choice: i };
          act({ do: "answer", params: { id: card.id, answer: i } });
        });
        list.append(row);
      });
      out.push(list);
      out.push(keysLine(`1–${card.options?.length ?? 0} pick`, "Enter submit", "Esc close"));
      break;
    }
    case "output": {
      out.push(codeBlock(card.code ?? ""));
      const field = el("textarea", "typed");
      field.id = "typed";
      field.rows = Math.min(Math.max(lineCount(card.code ?? ""), 2), 8);
      field.placeholder = "What does it print? (Shift+Enter for a new line)";
      field.value = p.typed;
      field.spellcheck = false;
      field.addEventListener("input", () => {
        phase = { ...p, typed: field.value };
      });
      out.push(field);
      out.push(keysLine("Enter submit", "Shift+Enter new line", "Esc close"));
      break;
    }
    case "spot":
      out.push(
        codeBlock(card.code ?? "", p.line, (line) => {
          phase = { ...p, line, typed: String(line) };
          act({ do: "answer", params: { id: card.id, answer: line } });
        }),
      );
      out.push(el("p", "picked", p.line ? `Line ${p.line}` : "Click the line with the problem, or type its number."));
      out.push(keysLine("0–9 type the line", "↑↓ move", "Enter submit", "Esc close"));
      break;
  }
  return out;
}

function keyPointList(points: string[]): HTMLElement {
  const list = el("ul", "key-points");
  for (const point of points) {
    list.append(inline("li", undefined, point));
  }
  return list;
}

function renderRevealed(card: Prompt): HTMLElement[] {
  const out: HTMLElement[] = [header(card), inline("h1", "prompt", card.prompt), el("h2", undefined, "A good answer names")];
  out.push(keyPointList(card.keyPoints ?? []));
  out.push(el("p", "muted", "How much of it did you name?"));
  const grades = el("div", "actions");
  GRADES.forEach((grade, i) => {
    grades.append(button(GRADE_LABEL[i], String(i + 1), () => act({ do: "answer", params: { id: card.id, grade } }), grade === "good"));
  });
  out.push(grades);
  out.push(keysLine("1 none (Again)", "2 few (Hard)", "3 most (Good)", "4 all (Easy)", "Esc close"));
  return out;
}

function renderResult(card: Prompt, result: AnswerResult, answer: number | string | undefined): HTMLElement[] {
  const out: HTMLElement[] = [header(card), inline("h1", "prompt", card.prompt)];
  if (result.correct !== null) {
    const verdict = el("p", result.correct ? "verdict right" : "verdict wrong", result.correct ? "✓ Right" : "✗ Not quite");
    verdict.setAttribute("role", "status");
    out.push(verdict);
  }
  if (card.kind === "choice") {
    // The options again: the right one marked, and the pick when it was wrong.
    const list = el("ol", "options");
    (card.options ?? []).forEach((option, i) => {
      const right = option === result.expected;
      const mark = right ? " right" : i === answer ? " wrong" : "";
      const row = el("li", `option${mark}`);
      row.append(el("kbd", undefined, right ? "✓" : i === answer ? "✗" : String(i + 1)), inline("span", "text", option));
      list.append(row);
    });
    out.push(list);
  }
  if (card.kind === "spot") {
    const expectedLine = Number(/\d+/.exec(result.expected)?.[0]);
    const marks = new Map<number, string>();
    if (typeof answer === "number" && answer !== expectedLine) {
      marks.set(answer, "wrong");
    }
    marks.set(expectedLine, "right");
    out.push(codeBlock(card.code ?? "", undefined, undefined, marks));
  }
  if (card.kind === "output") {
    out.push(codeBlock(card.code ?? ""));
    if (typeof answer === "string") {
      out.push(el("h2", undefined, "You wrote"));
      out.push(el("pre", result.correct ? "expected" : "expected typed-wrong", answer === "" ? " " : answer));
    }
  }
  if (card.kind === "question") {
    out.push(el("h2", undefined, "A good answer names"));
    out.push(keyPointList(card.keyPoints ?? result.expected.split("\n").map((l) => l.replace(/^- /, ""))));
  } else if (result.expected && card.kind !== "choice") {
    out.push(el("h2", undefined, "Answer"));
    out.push(el(card.kind === "output" ? "pre" : "p", "expected", result.expected));
  }
  if (result.explanation && card.kind !== "question") {
    out.push(el("h2", undefined, "Why"));
    out.push(inline("p", "explanation", result.explanation));
  }
  const grade = GRADE_LABEL[GRADES.indexOf(result.grade)];
  out.push(el("p", "schedule", `Graded ${grade}; back ${dueIn(result.nextDue, new Date())}.`));
  const actions = el("div", "actions");
  actions.append(button("Next card", "n", () => act({ do: "next" }), true));
  out.push(actions);
  out.push(keysLine("n next", "Esc close"));
  return out;
}

function renderEmpty(p: Extract<Phase, { name: "empty" }>): HTMLElement[] {
  if (!p.enabled) {
    return [
      el("h1", undefined, "Practice is off"),
      el("p", "muted", "Turn on the pyguide.practice setting (or the progress database could not be opened: see PyGuide: Show Output)."),
      keysLine("Esc close"),
    ];
  }
  return [
    el("h1", undefined, "Nothing to practise right now"),
    el("p", "muted", `${p.due} due, ${p.new} new. Cards come due as you review them, and topics your code raises are queued first.`),
    keysLine("n check again", "Esc close"),
  ];
}

function render(): void {
  let parts: HTMLElement[];
  switch (phase.name) {
    case "loading":
      parts = [el("p", "muted", "Loading the next card…")];
      break;
    case "asking":
      parts = renderAsking(phase);
      break;
    case "revealed":
      parts = renderRevealed(phase.card);
      break;
    case "result":
      parts = renderResult(phase.card, phase.result, phase.answer);
      break;
    case "empty":
      parts = renderEmpty(phase);
      break;
    case "error":
      parts = [el("h1", undefined, "Practice failed"), el("p", "error", phase.message), keysLine("n try again", "Esc close")];
      break;
  }
  if (checking) {
    parts.push(el("p", "muted", "Checking…"));
  }
  app.replaceChildren(...parts);
  app.dataset.phase = phase.name;
  const field = document.getElementById("typed");
  if (field) {
    (field as HTMLTextAreaElement).focus();
  } else {
    app.focus();
  }
}

function onNext(next: NextResult): void {
  counts = { due: next.due, new: next.new };
  phase = next.card
    ? { name: "asking", card: next.card, typed: "" }
    : { name: "empty", enabled: next.enabled, due: next.due, new: next.new };
}

window.addEventListener("message", (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  checking = false;
  switch (message?.type) {
    case "next":
      onNext(message.next);
      break;
    case "result":
      if (phase.name === "asking" || phase.name === "revealed") {
        counts = { ...counts, due: message.result.due };
        phase = { name: "result", card: phase.card, result: message.result, answer: sentAnswer };
      }
      break;
    case "error":
      phase = { name: "error", message: message.message };
      break;
    default:
      return;
  }
  render();
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const target = event.target as HTMLElement | null;
  const inTextField = target?.tagName === "TEXTAREA" || target?.tagName === "INPUT";
  if (!inTextField && target?.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) {
    // A focused button does what it says.
    return;
  }
  const action = onKey(phase, { key: event.key, inTextField, shift: event.shiftKey });
  if (action.do !== "none") {
    event.preventDefault();
    act(action);
  }
});

app.tabIndex = -1;
render();
post({ type: "next" });
