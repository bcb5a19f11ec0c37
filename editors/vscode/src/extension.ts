/**
 * The VS Code side of pyguide: starts `pyguide serve` for Python files and
 * adds the commands the protocol alone cannot give (topic search as you
 * type, a rendered topic view, explain-at-cursor, the practice view and its
 * status-bar item, restart, output). The
 * decisions live in the pure modules beside this file; this one wires them
 * to the VS Code and language-client APIs.
 */

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { findBinary, serverArgs } from "./binary";
import {
  EXTENSION_COMMANDS,
  isSearchHits,
  isTopicResult,
  OPEN_TOPIC_COMMAND,
  SEARCH_COMMAND,
  SEARCH_SELECTION_COMMAND,
  searchSelectionArgs,
  selectionFromArgs,
  type LspRange,
  type SearchHit,
  TOPIC_REQUEST,
  type TopicResult,
  topicIdFromArgs,
  TRUSTED_HOVER_COMMANDS,
  DIAGNOSTIC_SOURCE,
} from "./protocol";
import {
  type HostMessage,
  isAnswerResult,
  isNextResult,
  isStatusResult,
  isViewMessage,
  makeNonce,
  PRACTICE_ANSWER,
  PRACTICE_NEXT,
  PRACTICE_STATUS,
  practiceHtml,
  type StatusResult,
  statusBarText,
  statusBarTooltip,
  type ViewMessage,
} from "./practice";
import { LatestSearch, type TopicItem, toTopicItem } from "./search";
import {
  classifyChange,
  didChangeConfigurationParams,
  logLevel,
  pathSetting,
  type RawSettings,
  type ServerSettings,
  toServerSettings,
} from "./settings";
import { explainTargets, TOPIC_SCHEME, topicIdFromPath, topicPath } from "./topics";

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let extensionPath = "";
let output: vscode.OutputChannel;
let traceOutput: vscode.OutputChannel;
/** Our own `pyguide.openTopic` when the server does not advertise it. */
let fallbackOpenTopic: vscode.Disposable | undefined;
const topicCache = new Map<string, TopicResult>();
const topicChanged = new vscode.EventEmitter<vscode.Uri>();
/** "$(mortar-board) N due": shown while practice is on and cards are due. */
let practiceStatus: vscode.StatusBarItem;
let practicePanel: vscode.WebviewPanel | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel("PyGuide");
  traceOutput = vscode.window.createOutputChannel("PyGuide Trace");
  practiceStatus = vscode.window.createStatusBarItem("pyguide.practiceDue", vscode.StatusBarAlignment.Right, 100);
  practiceStatus.name = "PyGuide Practice";
  practiceStatus.command = EXTENSION_COMMANDS.practice;
  context.subscriptions.push(
    output,
    traceOutput,
    practiceStatus,
    topicChanged,
    vscode.workspace.registerTextDocumentContentProvider(TOPIC_SCHEME, {
      onDidChange: topicChanged.event,
      provideTextDocumentContent: (uri) => topicMarkdown(uri),
    }),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.searchTopics, (query?: unknown) =>
      searchTopics(typeof query === "string" ? query : undefined),
    ),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.showTopic, (id?: unknown) =>
      openTopic(typeof id === "string" ? id : undefined),
    ),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.explainAtCursor, explainAtCursor),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.searchSelection, () => searchSelection()),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.restartServer, restart),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(EXTENSION_COMMANDS.practice, openPractice),
    // The due count changes with time: asked again whenever the window gets the focus.
    vscode.window.onDidChangeWindowState((state) => state.focused && void refreshPracticeStatus()),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    // A workspace `pyguide.path` ignored in Restricted Mode applies once trusted.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    { dispose: () => void stopClient() },
  );
  void ensureStarted();
}

export function deactivate(): Promise<void> | undefined {
  return stopClient();
}

// ---------------------------------------------------------------- settings

function rawSettings(): RawSettings {
  const config = vscode.workspace.getConfiguration("pyguide");
  return {
    select: config.get("select"),
    ignore: config.get("ignore"),
    hints: config.get("hints"),
    guide: config.get("guide"),
    practice: config.get("practice"),
    logLevel: config.get("logLevel"),
  };
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function serverSettings(): ServerSettings {
  return toServerSettings(rawSettings(), os.homedir(), workspaceFolder());
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  const change = classifyChange((section) => event.affectsConfiguration(section));
  if (change === "restart") {
    await restart();
  } else if (change === "notify" && client?.state === State.Running) {
    await client.sendNotification(DidChangeConfigurationNotification.type, didChangeConfigurationParams(serverSettings()));
    refreshOpenTopics();
    void refreshPracticeStatus();
  }
}

// ------------------------------------------------------------------ client

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function ensureStarted(): Promise<void> {
  starting ??= startClient().finally(() => {
    starting = undefined;
  });
  return starting;
}

async function startClient(): Promise<void> {
  const raw = rawSettings();
  const configured = pathSetting(
    vscode.workspace.getConfiguration("pyguide").inspect("path"),
    vscode.workspace.isTrusted,
  );
  if (configured.ignoredWorkspacePath !== undefined) {
    output.appendLine(
      `Restricted Mode: ignoring the workspace's pyguide.path (${configured.ignoredWorkspacePath}); trust the folder to use it.`,
    );
  }
  const binary = findBinary({
    configured: configured.path,
    extensionPath,
    pathEnv: process.env.PATH,
    platform: process.platform,
    home: os.homedir(),
    workspaceFolder: workspaceFolder(),
    isExecutable,
  });
  if (binary.kind === "missing") {
    output.appendLine(binary.message);
    void showMissingBinary(binary.message);
    return;
  }
  output.appendLine(`Starting ${binary.path} (from ${binary.source}) ${serverArgs(logLevel(raw)).join(" ")}`);
  // As vscode-languageclient documents: it spawns `command args --stdio`
  // (`TransportKind.stdio` appends the flag) in the workspace folder.
  const serverOptions: ServerOptions = {
    command: binary.path,
    args: serverArgs(logLevel(raw)),
    transport: TransportKind.stdio,
  };
  const trusted = { enabledCommands: TRUSTED_HOVER_COMMANDS };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: traceOutput,
    markdown: { isTrusted: trusted, supportHtml: false },
    middleware: {
      // Hover links may run our commands and nothing else.
      provideHover: async (document, position, token, next) => {
        const hover = await next(document, position, token);
        for (const content of hover?.contents ?? []) {
          if (content instanceof vscode.MarkdownString) {
            content.isTrusted = trusted;
          }
        }
        return hover;
      },
      // The server's "open topic" (code actions, hover links) renders here,
      // in a Markdown preview, instead of a file in the cache folder.
      executeCommand: (command, args, next) => {
        if (command === OPEN_TOPIC_COMMAND) {
          return openTopic(topicIdFromArgs(args));
        }
        // "Search the guide for the selection": the hits in our QuickPick.
        const selection = command === SEARCH_SELECTION_COMMAND ? selectionFromArgs(args) : undefined;
        return selection ? searchSelection(selection) : next(command, args);
      },
      workspace: {
        // A server that pulls `workspace/configuration` gets the same mapped settings.
        configuration: (params, token, next) =>
          params.items.every((item) => item.section === "pyguide")
            ? params.items.map(() => serverSettings())
            : next(params, token),
      },
    },
  };
  const next = new LanguageClient("pyguide", "PyGuide", serverOptions, clientOptions);
  client = next;
  try {
    await next.start();
  } catch (error) {
    output.appendLine(`The server failed to start: ${String(error)}`);
    void vscode.window
      .showErrorMessage(`PyGuide: the server (${binary.path}) failed to start. See the output for details.`, "Show Output")
      .then((choice) => choice && output.show(true));
    return;
  }
  void refreshPracticeStatus();
  const advertised = next.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!advertised.includes(OPEN_TOPIC_COMMAND)) {
    fallbackOpenTopic = vscode.commands.registerCommand(OPEN_TOPIC_COMMAND, (id?: unknown) =>
      openTopic(typeof id === "string" ? id : undefined),
    );
  }
}

async function stopClient(): Promise<void> {
  practiceStatus?.hide();
  fallbackOpenTopic?.dispose();
  fallbackOpenTopic = undefined;
  const current = client;
  client = undefined;
  if (current && current.state !== State.Stopped) {
    try {
      await current.stop(2000);
    } catch (error) {
      output.appendLine(`Stopping the server: ${String(error)}`);
    }
  }
  await current?.dispose().catch(() => undefined);
}

async function restart(): Promise<void> {
  await starting?.catch(() => undefined);
  await stopClient();
  await ensureStarted();
  refreshOpenTopics();
}

async function showMissingBinary(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(`PyGuide: ${message}`, "Open Settings", "Retry");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "pyguide.path");
  } else if (choice === "Retry") {
    await restart();
  }
}

/**
 * The running client, starting it when needed; undefined when it cannot run
 * (startClient has then told the user why: missing binary or failed start).
 */
async function readyClient(): Promise<LanguageClient | undefined> {
  if (client?.state !== State.Running) {
    if (client?.state === State.Stopped) {
      // Crashed too often and gave up: start afresh.
      await stopClient();
    }
    await ensureStarted();
  }
  return client?.state === State.Running ? client : undefined;
}

// ------------------------------------------------------------------ topics

async function fetchTopic(running: LanguageClient, id: string): Promise<TopicResult> {
  const cached = topicCache.get(id);
  if (cached) {
    return cached;
  }
  const result: unknown = await running.sendRequest(TOPIC_REQUEST, { id });
  if (!isTopicResult(result)) {
    throw new Error(`unexpected ${TOPIC_REQUEST} answer for ${id}`);
  }
  topicCache.set(id, result);
  return result;
}

async function topicMarkdown(uri: vscode.Uri): Promise<string> {
  const id = topicIdFromPath(uri.path);
  const running = await readyClient();
  if (id === undefined || running === undefined) {
    return "# PyGuide\n\nThis topic cannot be shown: the server is not running.\n";
  }
  try {
    return (await fetchTopic(running, id)).markdown;
  } catch (error) {
    return `# PyGuide\n\nNo topic \`${id}\`: ${String(error)}\n`;
  }
}

function refreshOpenTopics(): void {
  topicCache.clear();
  for (const document of vscode.workspace.textDocuments) {
    if (document.uri.scheme === TOPIC_SCHEME) {
      topicChanged.fire(document.uri);
    }
  }
}

async function openTopic(id?: string): Promise<void> {
  const wanted =
    id ??
    (await vscode.window.showInputBox({
      title: "PyGuide: Open Topic",
      prompt: "A topic id (for example asyncio-gather); anything else is searched for",
    }));
  if (!wanted?.trim()) {
    return;
  }
  const running = await readyClient();
  if (!running) {
    return;
  }
  try {
    await fetchTopic(running, wanted.trim());
  } catch {
    // Not an id: let the user pick among the matches instead.
    await searchTopics(wanted.trim());
    return;
  }
  const uri = vscode.Uri.from({ scheme: TOPIC_SCHEME, path: topicPath(wanted.trim()) });
  try {
    await vscode.commands.executeCommand("markdown.showPreview", uri);
  } catch {
    // The built-in Markdown extension is disabled: show the source instead.
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(document, "markdown"));
  }
}

/**
 * Searches the guide for the selected code (or `target`, as the server's
 * code action sends it): the topics of the constructs in it first, then
 * text hits, in the Search Topics QuickPick (typing searches as usual).
 */
async function searchSelection(target?: { uri: string; range: LspRange }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const running = await readyClient();
  if (!running) {
    return;
  }
  let args = target;
  if (!args) {
    if (!editor || editor.selection.isEmpty || editor.document.languageId !== "python") {
      void vscode.window.showInformationMessage("PyGuide: select some Python code first.");
      return;
    }
    args = {
      uri: running.code2ProtocolConverter.asUri(editor.document.uri),
      range: running.code2ProtocolConverter.asRange(editor.selection),
    };
  }
  try {
    const result: unknown = await running.sendRequest(ExecuteCommandRequest.type, {
      command: SEARCH_SELECTION_COMMAND,
      arguments: searchSelectionArgs(args.uri, args.range),
    });
    await searchTopics(undefined, isSearchHits(result) ? result : []);
  } catch (error) {
    output.appendLine(`Search for the selection failed: ${String(error)}`);
    void vscode.window.showErrorMessage("PyGuide: the search for the selection failed; see PyGuide: Show Output.");
  }
}

async function searchTopics(initial?: string, preset?: SearchHit[]): Promise<void> {
  const running = await readyClient();
  if (!running) {
    return;
  }
  const pick = vscode.window.createQuickPick<TopicItem>();
  pick.title = preset ? "PyGuide: Topics for the Selection" : "PyGuide: Search Topics";
  pick.placeholder = "Describe the problem or name the API (e.g. too many queries in a loop, gather)";
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  const search = new LatestSearch<SearchHit[]>(
    async (query, token) => {
      const cancel = new vscode.CancellationTokenSource();
      token.register({ cancel: () => cancel.cancel() });
      try {
        const result: unknown = await running.sendRequest(
          ExecuteCommandRequest.type,
          { command: SEARCH_COMMAND, arguments: [query] },
          cancel.token,
        );
        return isSearchHits(result) ? result : [];
      } finally {
        cancel.dispose();
      }
    },
    (query, hits, error) => {
      pick.busy = false;
      if (error !== undefined) {
        output.appendLine(`Search for "${query}" failed: ${String(error)}`);
        pick.items = [];
        pick.placeholder = "The search failed; see PyGuide: Show Output";
        return;
      }
      pick.items = (hits ?? []).map(toTopicItem);
      if (hits !== undefined && hits.length === 0) {
        pick.placeholder = `No topic matches "${query}"`;
      }
    },
    { setTimeout, clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
  );
  pick.onDidChangeValue((value) => {
    pick.busy = value.trim().length > 0;
    search.update(value);
  });
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
    if (chosen) {
      pick.hide();
      void openTopic(chosen.topicId);
    }
  });
  pick.onDidHide(() => {
    search.dispose();
    pick.dispose();
  });
  if (preset) {
    pick.items = preset.map(toTopicItem);
    pick.placeholder =
      preset.length > 0 ? "Topics for the selected code (type to search instead)" : "No topic matches the selection; type to search";
    pick.show();
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : "";
  pick.value = initial ?? selected.trim().slice(0, 200);
  pick.show();
  if (pick.value) {
    pick.busy = true;
    search.update(pick.value);
  }
}

async function explainAtCursor(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    void vscode.window.showInformationMessage("PyGuide: put the cursor on Python code first.");
    return;
  }
  const running = await readyClient();
  if (!running) {
    return;
  }
  const { document, selection } = editor;
  const explainable = async (range: vscode.Range) => {
    const ours = vscode.languages
      .getDiagnostics(document.uri)
      .filter((d) => d.source === DIAGNOSTIC_SOURCE && d.range.intersection(range) !== undefined);
    const actions: unknown = await running.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: running.code2ProtocolConverter.asUri(document.uri) },
      range: running.code2ProtocolConverter.asRange(range),
      context: { diagnostics: await running.code2ProtocolConverter.asDiagnostics(ours) },
    });
    return explainTargets(Array.isArray(actions) ? actions : []);
  };
  // The construct under the cursor, else those on the cursor's line.
  let targets = await explainable(selection);
  if (targets.length === 0 && selection.isSingleLine) {
    targets = await explainable(document.lineAt(selection.active.line).range);
  }
  if (targets.length === 1) {
    await openTopic(targets[0].id);
    return;
  }
  if (targets.length > 1) {
    const chosen = await vscode.window.showQuickPick(
      targets.map((t) => ({ label: t.title, description: t.id, id: t.id })),
      { title: "PyGuide: Explain", placeHolder: "Several constructs here; which one?" },
    );
    if (chosen) {
      await openTopic(chosen.id);
    }
    return;
  }
  const wordRange = document.getWordRangeAtPosition(selection.active);
  const word = wordRange ? document.getText(wordRange) : "";
  const choice = await vscode.window.showInformationMessage(
    "PyGuide explains nothing at the cursor or on its line.",
    word ? `Search the guide for "${word}"` : "Search the guide",
  );
  if (choice) {
    await searchTopics(word || undefined);
  }
}

// ---------------------------------------------------------------- practice

/**
 * Shows or hides the status-bar item from `pyguide/practice/status`
 * (hidden when practice is off, nothing is due or the server cannot say).
 */
async function refreshPracticeStatus(known?: StatusResult): Promise<void> {
  let status = known;
  if (!status) {
    if (client?.state !== State.Running) {
      practiceStatus.hide();
      return;
    }
    try {
      const answer: unknown = await client.sendRequest(PRACTICE_STATUS, {});
      status = isStatusResult(answer) ? answer : undefined;
    } catch (error) {
      output.appendLine(`${PRACTICE_STATUS} failed: ${String(error)}`);
    }
  }
  const text = statusBarText(status);
  if (text === undefined || status === undefined) {
    practiceStatus.hide();
    return;
  }
  practiceStatus.text = text;
  practiceStatus.tooltip = statusBarTooltip(status);
  practiceStatus.show();
}

/** "PyGuide: Practice": the practice view (one panel, revealed when open). */
async function openPractice(): Promise<void> {
  if (practicePanel) {
    practicePanel.reveal();
    return;
  }
  const running = await readyClient();
  if (!running) {
    return;
  }
  const media = vscode.Uri.joinPath(vscode.Uri.file(extensionPath), "dist");
  const panel = vscode.window.createWebviewPanel(
    "pyguide.practice",
    "PyGuide: Practice",
    vscode.ViewColumn.Active,
    { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true },
  );
  practicePanel = panel;
  const { webview } = panel;
  webview.html = practiceHtml({
    nonce: makeNonce((size) => crypto.randomBytes(size)),
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, "practice.js")).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, "practice.css")).toString(),
  });
  const send = (message: HostMessage) => void webview.postMessage(message);
  const onMessage = async (message: ViewMessage): Promise<void> => {
    if (message.type === "close") {
      panel.dispose();
      return;
    }
    if (message.type === "open-topic") {
      await openTopic(message.topic);
      return;
    }
    const current = await readyClient();
    if (!current) {
      send({ type: "error", message: "The PyGuide server is not running; see PyGuide: Show Output." });
      return;
    }
    try {
      if (message.type === "next") {
        const next: unknown = await current.sendRequest(PRACTICE_NEXT, {});
        if (!isNextResult(next)) {
          throw new Error(`unexpected ${PRACTICE_NEXT} answer: ${JSON.stringify(next).slice(0, 200)}`);
        }
        send({ type: "next", next });
        void refreshPracticeStatus({ due: next.due, new: next.new, enabled: next.enabled });
      } else {
        const result: unknown = await current.sendRequest(PRACTICE_ANSWER, message.params);
        if (!isAnswerResult(result)) {
          throw new Error(`unexpected ${PRACTICE_ANSWER} answer: ${JSON.stringify(result).slice(0, 200)}`);
        }
        send({ type: "result", result });
        void refreshPracticeStatus();
      }
    } catch (error) {
      output.appendLine(`Practice: ${String(error)}`);
      send({ type: "error", message: String(error instanceof Error ? error.message : error) });
    }
  };
  const subscriptions = [
    webview.onDidReceiveMessage((message: unknown) => {
      if (isViewMessage(message)) {
        void onMessage(message);
      }
    }),
  ];
  panel.onDidDispose(() => {
    subscriptions.forEach((s) => s.dispose());
    practicePanel = undefined;
    void refreshPracticeStatus();
  });
}
