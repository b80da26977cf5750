import { readFileSync } from "node:fs";
import type { z } from "zod";
import { configSchema, type KeeperConfig } from "./schema.js";

/** A configuration problem; `lines` holds one readable line per wrong field. The CLI exits 2 on it. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

/** Environment variables that override one config field each (applied after the file, before validation). */
export const ENV_OVERRIDES: { env: string; path: string[]; kind: "string" | "number" | "list"; help: string }[] = [
  { env: "OPTIO_KEEPER_CHAIN_ID", path: ["chainId"], kind: "number", help: "chainId" },
  { env: "OPTIO_KEEPER_DEPLOYMENT", path: ["deployment"], kind: "string", help: "deployment" },
  { env: "OPTIO_KEEPER_RPC_URLS", path: ["rpc", "urls"], kind: "list", help: "rpc.urls, comma-separated" },
  { env: "OPTIO_KEEPER_SUBMIT_URL", path: ["rpc", "submitUrl"], kind: "string", help: "rpc.submitUrl" },
  { env: "OPTIO_KEEPER_KEYSTORE", path: ["signer", "keystorePath"], kind: "string", help: "signer.keystorePath" },
  { env: "OPTIO_KEEPER_STORE_PATH", path: ["store", "path"], kind: "string", help: "store.path" },
  {
    env: "OPTIO_KEEPER_POLL_INTERVAL_MS",
    path: ["blocks", "pollIntervalMs"],
    kind: "number",
    help: "blocks.pollIntervalMs",
  },
  { env: "OPTIO_KEEPER_METRICS_HOST", path: ["metrics", "host"], kind: "string", help: "metrics.host" },
  { env: "OPTIO_KEEPER_METRICS_PORT", path: ["metrics", "port"], kind: "number", help: "metrics.port" },
  { env: "OPTIO_KEEPER_LOG_LEVEL", path: ["log", "level"], kind: "string", help: "log.level" },
];

/**
 * Reads the JSON file at `path` (when given), applies the environment overrides and validates the result.
 * Throws ConfigError with one line per problem, each naming the field: `config: rpc.urls[1]: must be an http(s) URL`.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): KeeperConfig {
  let raw: unknown = {};
  if (path !== undefined) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new ConfigError([`config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`]);
    }
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ConfigError([`config: ${path} is not valid JSON: ${(error as Error).message}`]);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      throw new ConfigError([`config: ${path} must hold a JSON object`]);
  }
  const fromEnv = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    const value = env[o.env];
    if (value === undefined || value === "") continue;
    const parsed =
      o.kind === "list"
        ? value.split(",").map((s) => s.trim())
        : o.kind === "number" && /^-?\d+(\.\d+)?$/.test(value.trim())
          ? Number(value)
          : value;
    setPath(raw as Record<string, unknown>, o.path, parsed);
    fromEnv.set(o.path.join("."), o.env);
  }
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(formatIssues(result.error.issues, fromEnv));
}

/** One line per issue, naming the field as `a.b[2].c` and, when an environment variable set it, that variable. */
export function formatIssues(issues: z.core.$ZodIssue[], fromEnv = new Map<string, string>()): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) lines.push(`config: ${fieldName([...issue.path, key])}: unknown field`);
      continue;
    }
    const name = fieldName(issue.path);
    const envName = [...fromEnv].find(([p]) => name === p || name.startsWith(`${p}[`))?.[1];
    const where = envName === undefined ? name : `${name} (from ${envName})`;
    lines.push(`config: ${where || "(root)"}: ${describeIssue(issue)}`);
  }
  return lines;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return (issue as { input?: unknown }).input === undefined ? "is required" : `must be ${article(issue.expected)}`;
    case "too_small":
      if (issue.origin === "array")
        return issue.message.startsWith("Too small") ? `needs at least ${issue.minimum} entries` : issue.message;
      if (issue.origin === "string")
        return issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive === false ? ">" : ">="} ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `allows at most ${issue.maximum} entries`;
      return `must be ${issue.inclusive === false ? "<" : "<="} ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.message;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === "int") return "an integer";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function fieldName(path: PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
