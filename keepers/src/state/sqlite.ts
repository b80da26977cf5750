import { createRequire } from "node:module";
import type * as Sqlite from "node:sqlite";

// Node 22 marks node:sqlite experimental and prints an ExperimentalWarning the first time it loads. That line
// would land in an operator's log stream as unstructured stderr, so exactly that warning is dropped; every other
// warning still goes through. The module is loaded with require after the filter is in place (a static import
// would be hoisted above it).
const emitWarning = process.emitWarning;
process.emitWarning = function filtered(warning: string | Error, ...rest: unknown[]): void {
  const first = rest[0];
  const type =
    typeof first === "string" ? first : ((first as { type?: string } | undefined)?.type ?? (warning as Error).name);
  const message = typeof warning === "string" ? warning : warning.message;
  if (type === "ExperimentalWarning" && message.includes("SQLite")) return;
  return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
} as typeof process.emitWarning;

const sqlite = createRequire(import.meta.url)("node:sqlite") as typeof Sqlite;

export const DatabaseSync = sqlite.DatabaseSync;
export type DatabaseSync = Sqlite.DatabaseSync;
