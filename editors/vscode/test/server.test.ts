/**
 * Protocol test: starts the real `pyguide serve` (env `PYGUIDE_BIN`, default
 * ../../target/debug/pyguide) over stdio with vscode-languageserver-protocol's
 * node connection and sends exactly what the extension sends: its
 * initializationOptions and client capabilities, search as you type
 * (several `pyguide.search` queries in quick succession, the older ones
 * cancelled), `pyguide/topic`, `pyguide.openTopic`, the explain code action,
 * hover links and a settings change without restart.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CancellationTokenSource,
  CodeActionRequest,
  type CodeAction,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  type InitializeResult,
  InitializeRequest,
  InitializedNotification,
  type MarkupContent,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ResponseError,
  ShowDocumentRequest,
  type ShowDocumentParams,
  ShutdownRequest,
  createProtocolConnection,
  type ClientCapabilities,
  LSPErrorCodes,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { serverArgs } from "../src/binary";
import {
  commandLinks,
  DIAGNOSTIC_SOURCE,
  isSearchHits,
  isTopicResult,
  OPEN_TOPIC_COMMAND,
  parseCommandLink,
  SEARCH_COMMAND,
  SEARCH_SELECTION_COMMAND,
  searchSelectionArgs,
  selectionFromArgs,
  type SearchHit,
  TOPIC_REQUEST,
  type TopicResult,
  TRUSTED_HOVER_COMMANDS,
} from "../src/protocol";
import { toTopicItem } from "../src/search";
import { didChangeConfigurationParams, toServerSettings } from "../src/settings";
import { explainTargets } from "../src/topics";

const packageRoot = path.resolve(__dirname, "..", "..");
const binary = path.resolve(packageRoot, process.env.PYGUIDE_BIN ?? "../../target/debug/pyguide");
const fixture = fs.readFileSync(path.resolve(packageRoot, "../testdata/sample.py"), "utf8");

/** A server process with what it sent us. */
class Session {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly shown: ShowDocumentParams[] = [];
  readonly stderr: string[] = [];
  private waiters: Array<() => void> = [];
  /** Rejects when the server process exits before the test ends it. */
  readonly exited: Promise<never>;

  constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise<never>((_, reject) => {
      process.on("exit", (code, signal) =>
        reject(new Error(`the server exited (code ${code}, signal ${signal}); stderr:\n${this.stderr.join("")}`)),
      );
    });
    this.exited.catch(() => undefined);
  }

  /** A request that fails at once, with the server's stderr, if the server dies. */
  request<R = any>(method: unknown, params?: unknown, token?: unknown): Promise<R> {
    const send = this.connection.sendRequest as (...args: unknown[]) => Promise<R>;
    const args = token === undefined ? [method, params] : [method, params, token];
    return Promise.race([send.apply(this.connection, args), this.exited]);
  }

  notify(): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter();
    }
  }

  /** Resolves when `test()` holds, checked after each message; fails after `ms`. */
  async until<T>(what: string, test: () => T | undefined, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = test();
      if (value !== undefined) {
        return value;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; server stderr:\n${this.stderr.join("")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  latestDiagnostics(uri: string, after = 0): Diagnostic[] | undefined {
    const found = this.diagnostics.slice(after).filter((p) => p.uri === uri);
    return found.length > 0 ? found[found.length - 1].diagnostics : undefined;
  }
}

function startServer(): Session {
  assert.ok(
    fs.existsSync(binary),
    `no server binary at ${binary}: build it (cargo build --locked at the repo root) or set PYGUIDE_BIN`,
  );
  // The command line vscode-languageclient runs: the extension's arguments,
  // then `--stdio` for `TransportKind.stdio` (editors/test also starts the
  // server through the real client, in VS Code).
  // Practice progress in a scratch folder of this test, never the user's.
  const child = spawn(binary, [...serverArgs("warn"), "--stdio"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYGUIDE_DATA_DIR: practiceData },
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const session = new Session(child, connection);
  child.stderr!.on("data", (chunk: Buffer) => session.stderr.push(chunk.toString()));
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    session.diagnostics.push(params);
    session.notify();
  });
  connection.onRequest(ShowDocumentRequest.type, (params) => {
    session.shown.push(params);
    session.notify();
    return { success: true };
  });
  // What VS Code answers to the other server-to-client requests.
  connection.onRequest("workspace/configuration", (params: { items: Array<{ section?: string }> }) =>
    params.items.map(() => settings),
  );
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("client/unregisterCapability", () => null);
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onNotification("window/logMessage", () => undefined);
  connection.onNotification("window/showMessage", (params: { message: string }) => {
    session.stderr.push(`showMessage: ${params.message}\n`);
  });
  connection.listen();
  return session;
}

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "pyguide-vscode-"));
const practiceData = fs.mkdtempSync(path.join(os.tmpdir(), "pyguide-vscode-practice-"));
const sampleUri = pathToFileURL(path.join(workspace, "sample.py")).href;
const settings = toServerSettings({}, os.homedir(), workspace);

/** The client capabilities vscode-languageclient 9 sends that the server's features depend on. */
const capabilities: ClientCapabilities = {
  general: { positionEncodings: ["utf-16"] },
  window: { showDocument: { support: true }, workDoneProgress: true },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
    executeCommand: { dynamicRegistration: true },
    symbol: { dynamicRegistration: true },
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true, willSave: true },
    hover: { dynamicRegistration: true, contentFormat: ["markdown", "plaintext"] },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: false },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ["edit"] },
      codeActionLiteralSupport: {
        codeActionKind: { valueSet: ["", "quickfix", "refactor", "source"] },
      },
    },
  },
};

/** Character offset of `needle` in the fixture as an LSP position. */
function positionOf(needle: string, delta = 0): { line: number; character: number } {
  const offset = fixture.indexOf(needle);
  assert.ok(offset >= 0, `fixture lacks ${needle}`);
  const before = fixture.slice(0, offset + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe("pyguide serve, as the extension drives it", () => {
  let session: Session;
  let initialized: InitializeResult;

  before(async () => {
    session = startServer();
    initialized = await session.request(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "Visual Studio Code", version: "1.82.0" },
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "ws" }],
      capabilities,
      initializationOptions: settings,
    });
    await session.connection.sendNotification(InitializedNotification.type, {});
  });

  after(async () => {
    try {
      if (session.process.exitCode === null) {
        await session.request(ShutdownRequest.type);
        await session.connection.sendNotification(ExitNotification.type);
      }
    } finally {
      session.connection.dispose();
      session.process.kill();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  it("advertises the commands the extension relies on", () => {
    const commands = initialized.capabilities.executeCommandProvider?.commands ?? [];
    assert.ok(commands.includes(SEARCH_COMMAND), `commands: ${commands}`);
    assert.ok(commands.includes(OPEN_TOPIC_COMMAND), `commands: ${commands}`);
    assert.ok(initialized.capabilities.hoverProvider);
    assert.ok(initialized.capabilities.codeActionProvider);
  });

  it("answers search as you type, cancelling the superseded queries", async () => {
    const typed = ["s", "se", "sel", "sele", "select", "select_", "select_rel", "select_related"];
    const pending: Array<Promise<unknown>> = [];
    let previous: CancellationTokenSource | undefined;
    for (const query of typed) {
      previous?.cancel();
      const token = new CancellationTokenSource();
      previous = token;
      const answer = session.request(
        ExecuteCommandRequest.type,
        { command: SEARCH_COMMAND, arguments: [query] },
        token.token,
      );
      // Settled below; a cancellation may arrive before then.
      answer.catch(() => undefined);
      pending.push(answer);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await Promise.allSettled(pending);
    outcomes.slice(0, -1).forEach((outcome, i) => {
      if (outcome.status === "rejected") {
        // A superseded query may be answered or cancelled, nothing else.
        assert.ok(
          outcome.reason instanceof ResponseError && outcome.reason.code === LSPErrorCodes.RequestCancelled,
          `query ${typed[i]} failed with ${outcome.reason}`,
        );
      } else {
        assert.ok(isSearchHits(outcome.value), `query ${typed[i]} answered ${JSON.stringify(outcome.value)}`);
      }
    });
    const last = outcomes[outcomes.length - 1];
    assert.equal(last.status, "fulfilled", `last query failed: ${last.status === "rejected" ? last.reason : ""}`);
    const hits = (last as PromiseFulfilledResult<unknown>).value;
    assert.ok(isSearchHits(hits), JSON.stringify(hits));
    assert.equal(hits[0].id, "select-related-vs-prefetch-related");
    // The items the QuickPick shows for these answers.
    const item = toTopicItem(hits[0]);
    assert.equal(item.label, "select_related vs prefetch_related");
    assert.match(item.description, /django-architecture/);
    assert.ok(item.detail.length > 0 && !item.detail.includes("**"), item.detail);
  });

  it("answers an empty-result query with an empty array", async () => {
    const hits = await session.request(ExecuteCommandRequest.type, {
      command: SEARCH_COMMAND,
      arguments: ["qqqqzzzzxxxxwwww"],
    });
    assert.deepEqual(hits, []);
  });

  it("serves a topic's Markdown for the preview", async () => {
    const topic: unknown = await session.request(TOPIC_REQUEST, { id: "asyncio-gather" });
    assert.ok(isTopicResult(topic), JSON.stringify(topic));
    assert.equal(topic.id, "asyncio-gather");
    assert.ok(topic.markdown.includes(topic.title), "the Markdown names the topic");
    assert.ok(topic.markdown.length > 500, "the whole topic, not a summary");
  });

  it("answers an unknown topic with an error and keeps serving", async () => {
    await assert.rejects(
      session.request(TOPIC_REQUEST, { id: "no-such-topic" }),
      (error: unknown) => error instanceof ResponseError,
    );
    const topic: unknown = await session.request(TOPIC_REQUEST, { id: "mro-c3-linearization" });
    assert.ok(isTopicResult(topic));
  });

  it("shows a topic document for pyguide.openTopic", async () => {
    const before = session.shown.length;
    await session.request(ExecuteCommandRequest.type, {
      command: OPEN_TOPIC_COMMAND,
      arguments: ["asyncio-gather"],
    });
    const shown = await session.until("window/showDocument", () => session.shown[before]);
    assert.ok(shown.uri.startsWith("file:"), shown.uri);
    const file = fileURLToPath(shown.uri);
    assert.ok(file.endsWith(".md"), file);
    const topic = (await session.request(TOPIC_REQUEST, { id: "asyncio-gather" })) as TopicResult;
    assert.ok(fs.readFileSync(file, "utf8").includes(topic.title));
  });

  describe("on the fixture", () => {
    before(async () => {
      fs.writeFileSync(fileURLToPath(sampleUri), fixture);
      await session.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri: sampleUri, languageId: "python", version: 1, text: fixture },
      });
    });

    it("publishes pyguide warnings, hints off by default", async () => {
      const diagnostics = await session.until("diagnostics", () => session.latestDiagnostics(sampleUri));
      const codes = diagnostics.map((d) => String(d.code)).sort();
      assert.deepEqual(codes, ["PG206", "PG401", "PG402"]);
      assert.ok(diagnostics.every((d) => d.source === DIAGNOSTIC_SOURCE));
    });

    it("hovers with a trusted link that opens the topic", async () => {
      const hover = await session.request(HoverRequest.type, {
        textDocument: { uri: sampleUri },
        position: positionOf("gather", 2),
      });
      assert.ok(hover, "a hover on asyncio.gather");
      const markdown = (hover.contents as MarkupContent).value;
      const links = commandLinks(markdown).map(parseCommandLink);
      assert.ok(links.length > 0, `no command link in:\n${markdown}`);
      for (const link of links) {
        assert.ok(link && TRUSTED_HOVER_COMMANDS.includes(link.command), `untrusted link ${JSON.stringify(link)}`);
      }
      const open = links.find((link) => link?.command === OPEN_TOPIC_COMMAND);
      assert.deepEqual(open?.args, ["asyncio-gather"]);
    });

    it("offers Explain actions the Explain command can open", async () => {
      const actions = await session.request(CodeActionRequest.type, {
        textDocument: { uri: sampleUri },
        range: { start: positionOf("gather", 1), end: positionOf("gather", 1) },
        context: { diagnostics: [] },
      });
      const targets = explainTargets(actions);
      assert.ok(
        targets.some((t) => t.id === "asyncio-gather"),
        `explain targets: ${JSON.stringify(targets)}`,
      );
      for (const target of targets) {
        assert.ok(isTopicResult(await session.request(TOPIC_REQUEST, { id: target.id })));
      }
    });

    it("offers the line's Explain actions for the whole-line fallback", async () => {
      const line = positionOf("return await asyncio.gather").line;
      const actions = await session.request(CodeActionRequest.type, {
        textDocument: { uri: sampleUri },
        range: { start: { line, character: 0 }, end: { line, character: fixture.split("\n")[line].length } },
        context: { diagnostics: [] },
      });
      assert.deepEqual(
        explainTargets(actions).map((t) => t.id),
        ["asyncio-gather"],
      );
    });

    it("searches the guide for a selection, its constructs first", async () => {
      const start = positionOf("time.sleep(1)");
      const end = positionOf("return await asyncio.gather", "return await asyncio.gather".length);
      const range = { start, end };
      // The code action the server offers for the selection, as VS Code shows it.
      const actions = (await session.request(CodeActionRequest.type, {
        textDocument: { uri: sampleUri },
        range,
        context: { diagnostics: [] },
      })) as CodeAction[];
      const action = actions.find((a) => a.command?.command === SEARCH_SELECTION_COMMAND);
      assert.equal(action?.title, "Search the guide for the selection");
      // The middleware reads the selection from it and asks for the hits itself.
      const selection = selectionFromArgs(action?.command?.arguments);
      assert.deepEqual(selection, { uri: sampleUri, range });
      const hits: unknown = await session.request(ExecuteCommandRequest.type, {
        command: SEARCH_SELECTION_COMMAND,
        arguments: searchSelectionArgs(selection!.uri, selection!.range),
      });
      assert.ok(isSearchHits(hits), JSON.stringify(hits));
      assert.deepEqual(
        hits.slice(0, 2).map((h) => [h.id, h.code]),
        [
          ["asyncio-event-loop", "PG206"],
          ["asyncio-gather", "PG201"],
        ],
      );
      assert.match(toTopicItem(hits[0]).description, /^PG206 in the selection · /);
      assert.ok(hits.some((h) => h.code === undefined), "text hits follow the constructs");
    });

    it("returns quick fixes for the published diagnostics", async () => {
      const diagnostics = session.latestDiagnostics(sampleUri)!;
      const isLiteral = diagnostics.find((d) => d.code === "PG401")!;
      const actions = (await session.request(CodeActionRequest.type, {
        textDocument: { uri: sampleUri },
        range: isLiteral.range,
        context: { diagnostics: [isLiteral], only: ["quickfix"] },
      })) as CodeAction[];
      const fix = actions.find((a) => a.kind === "quickfix" && a.edit);
      assert.ok(fix, `no quick fix in ${JSON.stringify(actions)}`);
      const edits = fix.edit?.changes?.[sampleUri] ?? [];
      assert.ok(
        edits.some((e) => e.newText.includes("==")),
        JSON.stringify(fix.edit),
      );
    });

    it("applies changed settings without a restart", async () => {
      let mark = session.diagnostics.length;
      const withHints = toServerSettings({ hints: true, ignore: ["PG4"] }, os.homedir(), workspace);
      await session.connection.sendNotification(
        DidChangeConfigurationNotification.type,
        didChangeConfigurationParams(withHints),
      );
      const hinted = await session.until("diagnostics with hints", () => session.latestDiagnostics(sampleUri, mark));
      const codes = hinted.map((d) => String(d.code));
      assert.ok(codes.includes("PG201"), `hint PG201 missing: ${codes}`);
      assert.ok(!codes.some((c) => c.startsWith("PG4")), `PG4 not ignored: ${codes}`);
      assert.ok(hinted.filter((d) => d.code === "PG201").every((d) => d.severity === 4));

      mark = session.diagnostics.length;
      await session.connection.sendNotification(
        DidChangeConfigurationNotification.type,
        didChangeConfigurationParams(settings),
      );
      const restored = await session.until("default diagnostics", () => session.latestDiagnostics(sampleUri, mark));
      assert.deepEqual(restored.map((d) => String(d.code)).sort(), ["PG206", "PG401", "PG402"]);
    });
  });

  it("leaves the hits it returns openable", async () => {
    const hits = (await session.request(ExecuteCommandRequest.type, {
      command: SEARCH_COMMAND,
      arguments: ["gather"],
    })) as SearchHit[];
    assert.ok(hits.length > 0);
    assert.ok(isTopicResult(await session.request(TOPIC_REQUEST, { id: hits[0].id })));
  });
});
