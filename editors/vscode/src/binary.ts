/**
 * Finding the `pyguide` binary: the `pyguide.path` setting, else the binary
 * bundled in the extension folder (`bin/pyguide`), else `PATH`. Pure: the
 * file-system check is passed in, so the order and the messages are tested
 * without VS Code.
 */

import * as path from "node:path";

export type BinarySource = "setting" | "bundled" | "path";

export interface BinaryFound {
  kind: "found";
  path: string;
  source: BinarySource;
}

export interface BinaryMissing {
  kind: "missing";
  /** What went wrong and how to fix it, for the error notification. */
  message: string;
}

export interface LookupInput {
  /** `pyguide.path`, already trimmed or empty. */
  configured: string;
  /** The extension's install folder. */
  extensionPath: string;
  /** The `PATH` environment variable. */
  pathEnv: string | undefined;
  platform: NodeJS.Platform;
  /** The user's home folder, for `~` in the setting. */
  home: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative settings. */
  workspaceFolder: string | undefined;
  /** True when `file` exists and is an executable file. */
  isExecutable: (file: string) => boolean;
}

/** The ways to get a binary, shown when nothing is found. */
export const INSTALL_HINT =
  "Install the PyGuide .vsix built for your platform (it carries the binary), set `pyguide.path` to a pyguide binary, or put one on PATH (for example `cargo install --locked --path .` in a pyguide checkout, which puts it in ~/.cargo/bin).";

/** The binary's file name on `platform`. */
export function binaryName(platform: NodeJS.Platform): string {
  return platform === "win32" ? "pyguide.exe" : "pyguide";
}

/**
 * Expands `~` and `${workspaceFolder}` in a user-written path and resolves a
 * relative result against the workspace folder (or leaves it as written when
 * there is none).
 */
export function expandUserPath(raw: string, home: string, workspaceFolder: string | undefined): string {
  let expanded = raw.trim();
  if (expanded === "~") {
    expanded = home;
  } else if (expanded.startsWith("~/") || expanded.startsWith("~\\")) {
    expanded = path.join(home, expanded.slice(2));
  }
  if (workspaceFolder !== undefined) {
    expanded = expanded.split("${workspaceFolder}").join(workspaceFolder);
    if (!path.isAbsolute(expanded)) {
      expanded = path.resolve(workspaceFolder, expanded);
    }
  }
  return expanded;
}

/** The candidate locations on `PATH`, in order. */
export function pathCandidates(pathEnv: string | undefined, platform: NodeJS.Platform): string[] {
  if (!pathEnv) {
    return [];
  }
  const delimiter = platform === "win32" ? ";" : ":";
  const join = platform === "win32" ? path.win32.join : path.posix.join;
  return pathEnv
    .split(delimiter)
    .filter((dir) => dir.length > 0)
    .map((dir) => join(dir, binaryName(platform)));
}

/** Runs the lookup in order; the first executable candidate wins. */
export function findBinary(input: LookupInput): BinaryFound | BinaryMissing {
  if (input.configured.length > 0) {
    const configured = expandUserPath(input.configured, input.home, input.workspaceFolder);
    if (input.isExecutable(configured)) {
      return { kind: "found", path: configured, source: "setting" };
    }
    // A wrong setting is an error of its own: silently running another
    // binary would hide the typo.
    return {
      kind: "missing",
      message: `The \`pyguide.path\` setting points to ${configured}, which is not an executable file. Fix the setting, or clear it to use the bundled binary or \`pyguide\` on PATH.`,
    };
  }
  const bundled = path.join(input.extensionPath, "bin", binaryName(input.platform));
  if (input.isExecutable(bundled)) {
    return { kind: "found", path: bundled, source: "bundled" };
  }
  for (const candidate of pathCandidates(input.pathEnv, input.platform)) {
    if (input.isExecutable(candidate)) {
      return { kind: "found", path: candidate, source: "path" };
    }
  }
  return {
    kind: "missing",
    message: `Could not find the \`pyguide\` binary: the \`pyguide.path\` setting is empty, there is no binary bundled with the extension (${bundled}), and none on PATH. ${INSTALL_HINT}`,
  };
}

/** The server's command line: `serve`, plus the log level. */
export function serverArgs(logLevel: string): string[] {
  return ["serve", "--log-level", logLevel];
}
