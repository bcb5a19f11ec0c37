/**
 * The extension's settings and their mapping to the server's configuration
 * (the `initializationOptions` and `workspace/didChangeConfiguration`
 * payload). Pure: the values are read from VS Code elsewhere and passed in.
 */

import { expandUserPath } from "./binary";

/** The `pyguide.*` settings but `path` (see `pathSetting`), as VS Code returns them (values may be any JSON). */
export interface RawSettings {
  select?: unknown;
  ignore?: unknown;
  hints?: unknown;
  guide?: unknown;
  practice?: unknown;
  logLevel?: unknown;
}

/** What the server reads: code prefixes, hints as diagnostics, extra guide folders, practice on or off. */
export interface ServerSettings {
  select: string[];
  ignore: string[];
  hints: boolean;
  guide: string[];
  practice: boolean;
}

export const LOG_LEVELS = ["error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings whose change needs a new server process rather than a notification. */
export const RESTART_SETTINGS = ["pyguide.path", "pyguide.logLevel"] as const;

/** Code prefixes as the server accepts them: upper-case, `PG` and up to three digits. */
export function normalizeCodes(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const codes: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") {
      continue;
    }
    const code = item.trim().toUpperCase();
    if (code.length > 0 && !codes.includes(code)) {
      codes.push(code);
    }
  }
  return codes;
}

/** Guide folders with `~` and `${workspaceFolder}` expanded, relative ones made absolute. */
export function normalizeGuideFolders(value: unknown, home: string, workspaceFolder: string | undefined): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const folders: string[] = [];
  for (const item of value) {
    if (typeof item !== "string" || item.trim().length === 0) {
      continue;
    }
    const folder = expandUserPath(item, home, workspaceFolder);
    if (!folders.includes(folder)) {
      folders.push(folder);
    }
  }
  return folders;
}

/** Maps the extension settings to the server's configuration object. */
export function toServerSettings(raw: RawSettings, home: string, workspaceFolder: string | undefined): ServerSettings {
  return {
    select: normalizeCodes(raw.select),
    ignore: normalizeCodes(raw.ignore),
    hints: raw.hints === true,
    guide: normalizeGuideFolders(raw.guide, home, workspaceFolder),
    // On unless turned off (the server's default too).
    practice: raw.practice !== false,
  };
}

/** The log level setting, defaulting to `warn` for anything unknown. */
export function logLevel(raw: RawSettings): LogLevel {
  return LOG_LEVELS.find((level) => level === raw.logLevel) ?? "warn";
}

/** The `workspace/didChangeConfiguration` params for `settings`. */
export function didChangeConfigurationParams(settings: ServerSettings): { settings: { pyguide: ServerSettings } } {
  return { settings: { pyguide: settings } };
}

/** Which of a configuration change's effects apply, given `affects(section)`. */
export function classifyChange(affects: (section: string) => boolean): "restart" | "notify" | "none" {
  if (RESTART_SETTINGS.some((section) => affects(section))) {
    return "restart";
  }
  return affects("pyguide") ? "notify" : "none";
}

/** The layers of `pyguide.path`, as `WorkspaceConfiguration.inspect` returns them. */
export interface PathLayers {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** The binary path to use, and a workspace value ignored because the workspace is not trusted. */
export interface PathChoice {
  path: string;
  ignoredWorkspacePath?: string;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim().length > 0 ? value.trim() : undefined;
}

/**
 * `pyguide.path` as the extension may use it. In a trusted workspace the
 * most specific layer wins (folder, workspace, user). In Restricted Mode a
 * path from the workspace would make opening a folder run a program the
 * folder chose, so only the user's own setting counts; the ignored value is
 * returned so the output can say so. (VS Code drops restricted settings'
 * workspace values itself too; this does not rely on it.)
 */
export function pathSetting(layers: PathLayers | undefined, trusted: boolean): PathChoice {
  const user = nonEmpty(layers?.globalValue) ?? "";
  const workspace = nonEmpty(layers?.workspaceFolderValue) ?? nonEmpty(layers?.workspaceValue);
  if (workspace === undefined) {
    return { path: user };
  }
  return trusted ? { path: workspace } : { path: user, ignoredWorkspacePath: workspace };
}
