// The extension as a user meets it: the packaged .vsix installed into a real
// VS Code (code-server), driven in Chromium through playwright-core. Each
// step looks at the UI, saves a screenshot, and compares with `pyguide`'s
// CLI run on the same files (the peer of the editor path):
//   - the workspace trust prompt, answered "trust" for a copy of examples/;
//   - the hover over `asyncio.gather` shows the topic (retried while the
//     server starts);
//   - the Problems panel lists the file's warnings, as many as `pyguide check`;
//   - a quick fix from the light bulb changes the text exactly as the CLI's fix;
//   - "PyGuide: Search Topics" lists topics as you type and opens one;
//   - the PyGuide output names the bundled binary the extension started;
//   - "PyGuide: Practice" opens the practice view (a webview); a card is
//     answered with the keyboard only, the result shown, `n` brings the
//     next; the status-bar item shows the due count `pyguide practice
//     --stats` reports for the same database (hidden at 0); the view in
//     the default (light) theme and in a dark one;
//   - in a folder left untrusted (Restricted Mode) whose settings point
//     `pyguide.path` at a script, the extension still works and never runs it.
// Prints `ok`/`not ok` per check and `code-server: N passed, M failed`.
//
// Environment: CODE_SERVER, NODE24 (a bin folder with Node 24), CHROMIUM,
// VSIX, PYGUIDE_BIN (for the CLI side), WORK (a scratch folder, emptied),
// SCREENSHOTS (emptied); see install.sh and editors/test.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../../..");
const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`run.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
};
const codeServer = env("CODE_SERVER");
const node24 = env("NODE24");
const chromiumPath = env("CHROMIUM");
const vsix = path.resolve(env("VSIX"));
const pyguide = path.resolve(env("PYGUIDE_BIN"));
const work = path.resolve(env("WORK"));
const shots = path.resolve(env("SCREENSHOTS"));
/** The practice database of the server in code-server and of the CLI side: a scratch one. */
const practiceData = path.join(work, "practice-data");

/** Typed into "PyGuide: Search Topics", a key at a time; "rel" is half a word. */
const SEARCH_QUERY = "prefetch rel";

/** Long enough for a cold start on a loaded 2-core machine; never waited out on success. */
const STEP_MS = 60_000;

let passed = 0;
let failed = 0;
function report(ok, name, detail = "") {
  if (ok) {
    passed += 1;
    console.log(`ok - ${name}${detail ? ` (${detail})` : ""}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ""}`);
  }
}

/** Runs one check; a thrown error fails it with its message and a screenshot. */
async function check(page, name, body) {
  try {
    const detail = await body();
    report(true, name, typeof detail === "string" ? detail : "");
  } catch (error) {
    report(false, name, String(error?.message ?? error).split("\n")[0]);
    await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => undefined);
  }
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`   screenshot: ${path.relative(repo, file)}`);
}

// ------------------------------------------------------------------ the CLI side

function cli(args) {
  try {
    return execFileSync(pyguide, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PYGUIDE_DATA_DIR: practiceData },
    });
  } catch (error) {
    // `check` exits 1 when it reports warnings; its output is still the answer.
    if (error.status === 1 && typeof error.stdout === "string") {
      return error.stdout;
    }
    throw error;
  }
}

/** `text` with a CLI fix's edits applied (1-based lines, columns in characters). */
function applyFix(text, edits) {
  const lines = text.split("\n");
  const offset = (line, column) => {
    let at = 0;
    for (let i = 0; i < line - 1; i += 1) {
      at += [...lines[i]].length + 1;
    }
    return at + column - 1;
  };
  const chars = [...text];
  const sorted = [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column));
  for (const edit of sorted) {
    const start = offset(edit.line, edit.column);
    const end = offset(edit.end_line, edit.end_column);
    chars.splice(start, end - start, ...edit.content);
  }
  return chars.join("");
}

// ------------------------------------------------------------------ set-up

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, log) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited (${child.exitCode}):\n${log.join("")}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`code-server did not answer at ${url}:\n${log.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function prepareFolders() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(shots, { recursive: true, force: true });
  fs.mkdirSync(shots, { recursive: true });
  const folders = {
    userData: path.join(work, "user-data"),
    extensions: path.join(work, "extensions"),
    examples: path.join(work, "examples"),
    untrusted: path.join(work, "untrusted"),
  };
  for (const folder of Object.values(folders)) {
    fs.mkdirSync(folder, { recursive: true });
  }
  // A copy: the quick fix edits and saves a file.
  fs.cpSync(path.join(repo, "examples"), folders.examples, { recursive: true });
  // A folder whose own settings point pyguide.path at a script of its own.
  fs.copyFileSync(path.join(repo, "examples/scripts/crawler.py"), path.join(folders.untrusted, "crawler.py"));
  fs.mkdirSync(path.join(folders.untrusted, ".vscode"));
  fs.writeFileSync(
    path.join(folders.untrusted, ".vscode/settings.json"),
    `${JSON.stringify({ "pyguide.path": "${workspaceFolder}/evil.sh" }, null, 2)}\n`,
  );
  fs.writeFileSync(path.join(folders.untrusted, "evil.sh"), '#!/bin/sh\ntouch "$(dirname "$0")/evil-ran"\nexit 1\n', {
    mode: 0o755,
  });
  // What a quiet, reproducible VS Code needs: no welcome page, no
  // telemetry or update checks, trust asked for every new folder.
  const user = path.join(folders.userData, "User");
  fs.mkdirSync(user, { recursive: true });
  fs.writeFileSync(
    path.join(user, "settings.json"),
    `${JSON.stringify(
      {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "extensions.ignoreRecommendations": true,
        "security.workspace.trust.enabled": true,
        "security.workspace.trust.startupPrompt": "always",
        "security.workspace.trust.banner": "always",
        "chat.disableAIFeatures": true,
        "editor.hover.delay": 150,
        "editor.lightbulb.enabled": "on",
        "files.autoSave": "off",
        "git.openRepositoryInParentFolders": "never",
      },
      null,
      2,
    )}\n`,
  );
  return folders;
}

function codeServerArgs(folders, extra) {
  return [
    "--user-data-dir",
    folders.userData,
    "--extensions-dir",
    folders.extensions,
    "--config",
    path.join(work, "config.yaml"),
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-getting-started-override",
    ...extra,
  ];
}

function runCodeServer(args) {
  const childEnv = { ...process.env, PATH: `${node24}:${process.env.PATH}` };
  return execFileSync(codeServer, args, { encoding: "utf8", env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
}

// ------------------------------------------------------------------ UI helpers

/** The visible text of the editor's lines, with Monaco's non-breaking spaces as spaces. */
async function editorText(page) {
  const text = await page.locator(".editor-instance .view-lines").first().innerText();
  return text.replace(/\u00a0/g, " ");
}

/** Answers the workspace trust prompt with the button whose label starts with `answer`. */
async function answerTrust(page, answer) {
  const button = page.getByRole("button", { name: new RegExp(`^${answer}`) });
  await button.first().waitFor({ state: "visible", timeout: STEP_MS });
  return button.first();
}

async function commandPalette(page, text) {
  await page.locator(".monaco-workbench").first().click({ position: { x: 5, y: 300 }, force: true }).catch(() => undefined);
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input").first();
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(text);
  return input;
}

/**
 * Runs the palette command labelled `title` (plus an optional parenthesised
 * note, as in "View: Focus Problems (Errors, Warnings, Infos)"), not merely
 * the best fuzzy match, which may be another command.
 */
async function runCommand(page, title) {
  await commandPalette(page, `>${title}`);
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}( \\(.*\\))?$`);
  const row = page
    .locator(".quick-input-list .monaco-list-row")
    .filter({ has: page.locator(".label-name", { hasText: exact }) })
    .first();
  await row.waitFor({ state: "visible", timeout: STEP_MS });
  await row.click();
}

async function openFile(page, relative) {
  await commandPalette(page, relative);
  const name = path.basename(relative);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: STEP_MS });
  await page.keyboard.press("Enter");
  await page.locator(".tabs-container .tab.active", { hasText: name }).waitFor({ timeout: STEP_MS });
  await page.locator(".editor-instance .view-lines").first().waitFor({ timeout: STEP_MS });
}

async function goToLine(page, line, column) {
  await commandPalette(page, `:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").first().waitFor({ state: "hidden", timeout: STEP_MS });
}

/** The on-screen span holding `word` on the editor line that contains `lineText`. */
function wordOnLine(page, lineText, word) {
  return page
    .locator(".editor-instance .view-line", { hasText: lineText })
    .first()
    .locator("span > span", { hasText: word })
    .first();
}

/**
 * Hovers `target` until a hover containing `expected` shows: the first
 * hovers may come before the server has started, so the mouse leaves and
 * comes back until STEP_MS has passed.
 */
async function hoverUntil(page, target, expected) {
  const deadline = Date.now() + STEP_MS;
  const hover = page.locator(".monaco-hover:visible", { hasText: expected }).first();
  let attempts = 0;
  for (;;) {
    attempts += 1;
    await page.mouse.move(5, 5);
    const box = await target.boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 3 });
    }
    try {
      await hover.waitFor({ state: "visible", timeout: 4000 });
      return { hover, attempts };
    } catch (error) {
      if (Date.now() > deadline) {
        const shown = await page.locator(".monaco-hover:visible").allInnerTexts();
        throw new Error(`no hover with "${expected}" after ${attempts} tries; shown: ${JSON.stringify(shown).slice(0, 300)}`);
      }
    }
  }
}

// ------------------------------------------------------------------ the test

async function main() {
  const folders = prepareFolders();
  const findings = JSON.parse(cli(["check", "--format", "json", folders.examples]));
  const topics = JSON.parse(cli(["topics", "--format", "json"]));
  const gatherTopic = topics.find((t) => t.id === "asyncio-gather");
  const crawler = path.join(folders.examples, "scripts/crawler.py");
  const crawlerFindings = findings.filter((f) => path.resolve(f.path) === crawler);
  const fixable = crawlerFindings.find((f) => f.fix !== null);
  // The CLI's best hit for a half-typed query: what the palette should offer.
  const wanted = JSON.parse(cli(["search", "--format", "json", SEARCH_QUERY])).hits[0];
  if (!gatherTopic || crawlerFindings.length === 0 || !fixable || !wanted) {
    throw new Error("the CLI found no asyncio-gather topic, no fixable warning in examples/scripts/crawler.py, or no search hit");
  }
  console.log(
    `CLI: ${crawlerFindings.length} warnings in scripts/crawler.py (${crawlerFindings.map((f) => f.code).join(", ")}); fix at line ${fixable.line}: ${fixable.fix.message}`,
  );

  const installed = runCodeServer(codeServerArgs(folders, ["--install-extension", vsix]));
  console.log(installed.trim().split("\n").slice(-1)[0]);

  const port = await freePort();
  const log = [];
  const server = spawn(
    codeServer,
    codeServerArgs(folders, ["--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--ignore-last-opened"]),
    {
      env: { ...process.env, PATH: `${node24}:${process.env.PATH}`, PYGUIDE_DATA_DIR: practiceData },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  server.stdout.on("data", (chunk) => log.push(chunk.toString()));
  server.stderr.on("data", (chunk) => log.push(chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  let browser;
  try {
    await waitForHttp(`${base}/healthz`, server, log);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    await trustedSteps(browser, base, folders, { gatherTopic, crawlerFindings, fixable, crawler, wanted });
    await restrictedSteps(browser, base, folders, gatherTopic);
  } finally {
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
}

/** A fresh browser context on code-server with `folder` open. */
async function openFolder(browser, base, folder) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS * 2);
  const page = await context.newPage();
  await page.goto(`${base}/?folder=${encodeURIComponent(folder)}`, { waitUntil: "domcontentloaded" });
  return page;
}

async function trustedSteps(browser, base, folders, { gatherTopic, crawlerFindings, fixable, crawler, wanted }) {
  const page = await openFolder(browser, base, folders.examples);

  await check(page, "the workspace trust prompt appears and is answered: trust", async () => {
    const yes = await answerTrust(page, "Yes, I trust");
    await shot(page, "01-trust-prompt");
    await yes.click();
    await page.locator(".monaco-workbench").first().waitFor({ timeout: STEP_MS });
  });

  await check(page, "hover over asyncio.gather shows the topic", async () => {
    await openFile(page, "scripts/crawler.py");
    const { hover, attempts } = await hoverUntil(page, wordOnLine(page, "asyncio.gather", "gather"), gatherTopic.title);
    const text = await hover.innerText();
    if (!text.includes("PG201") && !text.includes(gatherTopic.id)) {
      throw new Error(`the hover names neither PG201 nor ${gatherTopic.id}: ${text.slice(0, 200)}`);
    }
    await shot(page, "02-hover-gather");
    return `"${gatherTopic.title}", ${attempts} hover(s)`;
  });

  await check(page, "the Problems panel lists the file's warnings, as many as `pyguide check`", async () => {
    await page.mouse.move(5, 5);
    await runCommand(page, "View: Focus Problems");
    const rows = page.locator(".markers-panel .monaco-list-row", { hasText: "PG" });
    const expected = crawlerFindings.length;
    const deadline = Date.now() + STEP_MS;
    let shown = [];
    for (;;) {
      shown = await rows.allInnerTexts();
      const codes = shown.map((row) => /PG\d{3}/.exec(row)?.[0]).filter(Boolean);
      const cliCodes = crawlerFindings.map((f) => f.code);
      if (codes.length === expected && cliCodes.every((code) => codes.includes(code))) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`the panel shows ${codes.length} (${codes.join(", ")}), the CLI ${expected} (${cliCodes.join(", ")})`);
      }
      await page.waitForTimeout(250);
    }
    await shot(page, "03-problems-panel");
    return `${shown.length} rows: ${crawlerFindings.map((f) => f.code).join(", ")}`;
  });

  await check(page, "a quick fix from the light bulb changes the text as the CLI's fix does", async () => {
    const before = fs.readFileSync(crawler, "utf8");
    const expected = applyFix(before, fixable.fix.edits);
    await page.locator(".editor-instance .view-lines").first().click();
    await goToLine(page, fixable.line, fixable.column);
    const bulb = page.locator(".lightBulbWidget .codicon, .lightBulbWidget").first();
    await bulb.waitFor({ state: "visible", timeout: STEP_MS });
    await bulb.click();
    const action = page.locator(".action-widget .monaco-list-row", { hasText: fixable.fix.message }).first();
    await action.waitFor({ state: "visible", timeout: STEP_MS });
    await shot(page, "04-light-bulb-menu");
    await action.click();
    const changed = expected.split("\n")[fixable.line - 1].trim();
    await page.locator(".editor-instance .view-line", { hasText: changed }).first().waitFor({ timeout: STEP_MS });
    await runCommand(page, "File: Save");
    const deadline = Date.now() + STEP_MS;
    while (fs.readFileSync(crawler, "utf8") !== expected) {
      if (Date.now() > deadline) {
        throw new Error(`the saved file differs from the CLI's fix; line ${fixable.line} reads "${fs.readFileSync(crawler, "utf8").split("\n")[fixable.line - 1]}"`);
      }
      await page.waitForTimeout(200);
    }
    // The fixed warning is gone from the editor as from the CLI's report.
    const left = JSON.parse(cli(["check", "--format", "json", crawler])).length;
    const problems = page.locator("#status\\.problems").first();
    const deadline2 = Date.now() + STEP_MS;
    let counts = [];
    for (;;) {
      counts = ((await problems.innerText()).match(/\d+/g) ?? []).map(Number);
      if (counts[1] === left) {
        break;
      }
      if (Date.now() > deadline2) {
        throw new Error(`the status bar counts ${counts[1]} warnings after the fix, the CLI ${left}`);
      }
      await page.waitForTimeout(250);
    }
    await shot(page, "05-quick-fix-applied");
    return `line ${fixable.line} now reads "${changed}"; ${left} warnings left, as the CLI reports`;
  });

  await check(page, "PyGuide: Search Topics lists topics as you type and opens one", async () => {
    await runCommand(page, "PyGuide: Search Topics");
    const input = page.locator(".quick-input-widget input").first();
    await page.locator(".quick-input-widget", { hasText: "PyGuide: Search Topics" }).first().waitFor({ timeout: STEP_MS });
    await input.pressSequentially(SEARCH_QUERY, { delay: 60 });
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: wanted.title }).first();
    await row.waitFor({ state: "visible", timeout: STEP_MS });
    const count = await page.locator(".quick-input-list .monaco-list-row").count();
    await shot(page, "06-search-as-you-type");
    await row.click();
    const tab = page.locator(".tabs-container .tab", { hasText: wanted.id }).first();
    await tab.waitFor({ timeout: STEP_MS });
    await contentInFrames(page, wanted.title);
    await shot(page, "07-topic-opened");
    return `${count} hits for "${SEARCH_QUERY}", opened ${wanted.id}`;
  });

  await check(page, "the PyGuide output names the bundled binary it started", async () => {
    await runCommand(page, "PyGuide: Show Output");
    const line = page.locator(".output-view, .panel", { hasText: "(from bundled)" }).first();
    await line.waitFor({ timeout: STEP_MS });
    // The panel wraps long lines anywhere, even inside the path: compare
    // with the white space taken out (the paths here have none).
    const text = (await page.locator(".panel .view-lines").first().innerText()).replace(/\s+/g, "");
    const started = /Starting(\S+?)\(frombundled\)serve--log-levelwarn/.exec(text);
    const extensions = path.join(work, "extensions");
    if (!started || !started[1].startsWith(extensions) || !started[1].endsWith("/bin/pyguide")) {
      throw new Error(`no start line for a binary under ${extensions}: ${text.slice(0, 300)}`);
    }
    await shot(page, "08-output-bundled-binary");
    return `Starting ${started[1]} (from bundled)`;
  });

  await practiceSteps(page);
  await page.context().close();
}

/** The frame of the practice webview (code-server nests it in two iframes). */
async function practiceFrame(page) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    for (const frame of page.frames()) {
      if ((await frame.locator("main#app[data-phase]").count().catch(() => 0)) > 0) {
        return frame;
      }
    }
    if (Date.now() > deadline) {
      throw new Error("no frame holds the practice view");
    }
    await page.waitForTimeout(250);
  }
}

async function phaseOf(frame) {
  return frame.locator("main#app").getAttribute("data-phase");
}

async function waitPhase(frame, wanted) {
  const names = Array.isArray(wanted) ? wanted : [wanted];
  await frame.locator(names.map((n) => `main#app[data-phase="${n}"]`).join(", ")).first().waitFor({ timeout: STEP_MS });
  return phaseOf(frame);
}

/** Answers the card on screen with keys only; returns what was pressed. */
async function answerWithKeys(page, frame) {
  const kind = await frame.locator("header .kind").innerText();
  if (kind === "Interview question") {
    await page.keyboard.press("Space");
    await waitPhase(frame, "revealed");
    const points = await frame.locator(".key-points li").count();
    if (points < 2) {
      throw new Error(`the revealed question card lists ${points} key points`);
    }
    await shot(page, "11-practice-key-points");
    await page.keyboard.press("3");
    return `${kind}: Space, 3 (Good) after ${points} key points`;
  }
  if (kind === "Multiple choice") {
    await page.keyboard.press("2");
    await frame.locator(".option.selected").first().waitFor({ timeout: STEP_MS });
    await page.keyboard.press("Enter");
    return `${kind}: 2, Enter`;
  }
  if (kind === "Spot the problem") {
    const lines = await frame.locator(".code .line").count();
    if (lines === 0) {
      throw new Error("the spot card shows no numbered code");
    }
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    return `${kind} (${lines} numbered lines): 1, Enter`;
  }
  if (kind === "Predict the output") {
    await frame.locator("textarea#typed").waitFor({ timeout: STEP_MS });
    await page.keyboard.type("None");
    await page.keyboard.press("Enter");
    return `${kind}: typed None, Enter`;
  }
  throw new Error(`unknown card kind "${kind}"`);
}

/** The due count the status bar shows, or 0 when the item is hidden. */
async function statusBarDue(page) {
  const item = page.locator(".statusbar-item", { hasText: /\d+ due$/ }).first();
  if ((await item.count()) === 0 || !(await item.isVisible())) {
    return 0;
  }
  return Number(/(\d+) due/.exec(await item.innerText())?.[1] ?? "0");
}

async function practiceSteps(page) {
  let frame;
  await check(page, "PyGuide: Practice opens a card in a webview, in the editor's theme", async () => {
    await runCommand(page, "PyGuide: Practice");
    await page.locator(".tabs-container .tab", { hasText: "PyGuide: Practice" }).first().waitFor({ timeout: STEP_MS });
    frame = await practiceFrame(page);
    const phase = await waitPhase(frame, ["asking", "empty"]);
    if (phase !== "asking") {
      throw new Error(`no card to practise: ${await frame.locator("main#app").innerText()}`);
    }
    const prompt = await frame.locator("h1.prompt").innerText();
    const colours = await frame.locator("body").evaluate((body) => {
      const style = getComputedStyle(body);
      const root = getComputedStyle(document.documentElement);
      return { background: style.backgroundColor, editor: root.getPropertyValue("--vscode-editor-background").trim() };
    });
    if (!colours.editor) {
      throw new Error("the webview has no --vscode-editor-background: not themed");
    }
    await shot(page, "10-practice-card");
    return `"${prompt.slice(0, 80)}", background ${colours.background} (editor ${colours.editor})`;
  });

  await check(page, "a practice card is answered with the keyboard alone, then n brings the next", async () => {
    if (!frame) {
      throw new Error("the practice view did not open");
    }
    // The keys go to the webview once it has the focus, as after a click.
    await frame.locator("header .counts").click();
    const pressed = await answerWithKeys(page, frame);
    await waitPhase(frame, "result");
    const result = await frame.locator("main#app").innerText();
    if (!/Graded (Again|Hard|Good|Easy); back /.test(result)) {
      throw new Error(`the result does not say the grade and when the card comes back: ${result.slice(0, 300)}`);
    }
    await shot(page, "12-practice-result");
    const firstId = await frame.locator("h1.prompt").innerText();
    await page.keyboard.press("n");
    await waitPhase(frame, ["asking", "empty"]);
    const next = (await phaseOf(frame)) === "asking" ? await frame.locator("h1.prompt").innerText() : "(no card left)";
    if (next === firstId) {
      throw new Error(`n showed the same card again: ${next}`);
    }
    return `${pressed}; ${result.split("\n").find((l) => l.startsWith("Graded"))}; next: "${next.slice(0, 60)}"`;
  });

  await check(page, "the status bar shows the due count `pyguide practice --stats` reports", async () => {
    const stats = JSON.parse(cli(["practice", "--stats", "--format", "json"]));
    const due = typeof stats.due === "number" ? stats.due : stats.total?.due;
    if (typeof due !== "number") {
      throw new Error(`no due count in the CLI's stats: ${JSON.stringify(stats).slice(0, 200)}`);
    }
    // The extension asks again when the window gets the focus.
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    const deadline = Date.now() + STEP_MS;
    let shown = await statusBarDue(page);
    while (shown !== due) {
      if (Date.now() > deadline) {
        throw new Error(`the status bar shows ${shown} due, the CLI ${due}`);
      }
      await page.waitForTimeout(250);
      shown = await statusBarDue(page);
    }
    return due === 0 ? "nothing due: the item is hidden, as the CLI's 0 says" : `"${due} due", as the CLI says`;
  });

  await check(page, "the practice view follows a change to a dark theme, and Esc closes it", async () => {
    if (!frame) {
      throw new Error("the practice view did not open");
    }
    const before = await frame.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
    // As a user does: Preferences: Color Theme, then pick a dark one.
    await runCommand(page, "Preferences: Color Theme");
    const input = page.locator(".quick-input-widget input").first();
    await input.fill("Dark Modern");
    const dark = page.locator(".quick-input-list .monaco-list-row").filter({ has: page.locator(".label-name", { hasText: /^(Default )?Dark Modern$/ }) });
    await dark.first().waitFor({ timeout: STEP_MS });
    await dark.first().click();
    const deadline = Date.now() + STEP_MS;
    let after = before;
    while (after === before) {
      if (Date.now() > deadline) {
        throw new Error(`the background stayed ${before} after switching to a dark theme`);
      }
      await page.waitForTimeout(250);
      after = await frame.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor);
    }
    await shot(page, "13-practice-dark");
    await frame.locator("main#app").click({ position: { x: 2, y: 2 } });
    await page.keyboard.press("Escape");
    await page.locator(".tabs-container .tab", { hasText: "PyGuide: Practice" }).first().waitFor({ state: "detached", timeout: STEP_MS });
    return `background ${before} → ${after}; Esc closed the view`;
  });
}

/** Waits until one of the page's frames (the Markdown preview is a webview) shows `text`. */
async function contentInFrames(page, text) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    for (const frame of page.frames()) {
      const body = await frame
        .locator("body")
        .innerText({ timeout: 1000 })
        .catch(() => "");
      if (body.includes(text)) {
        return;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`no frame shows "${text}"`);
    }
    await page.waitForTimeout(250);
  }
}

async function restrictedSteps(browser, base, folders, gatherTopic) {
  const page = await openFolder(browser, base, folders.untrusted);
  await check(page, "Restricted Mode: the folder is left untrusted", async () => {
    const no = await answerTrust(page, "No, I don't trust");
    await no.click();
    await page.locator(".statusbar", { hasText: "Restricted Mode" }).first().waitFor({ timeout: STEP_MS });
  });
  await check(page, "Restricted Mode: the hover works and the workspace's pyguide.path never runs", async () => {
    const ran = () => fs.existsSync(path.join(folders.untrusted, "evil-ran"));
    await openFile(page, "crawler.py");
    try {
      await hoverUntil(page, wordOnLine(page, "asyncio.gather", "gather"), gatherTopic.title);
    } catch (error) {
      throw ran() ? new Error(`the workspace's evil.sh ran, and ${error.message}`) : error;
    }
    await shot(page, "09-restricted-mode-hover");
    if (ran()) {
      throw new Error("the workspace's evil.sh ran");
    }
    return "evil.sh never ran";
  });
  await page.context().close();
}

try {
  await main();
} catch (error) {
  report(false, "the test ran to its end", String(error?.stack ?? error));
}
console.log(`code-server: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
