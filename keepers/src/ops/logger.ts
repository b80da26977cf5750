import { pino, type DestinationStream, type Logger } from "pino";

/** Field names whose values are replaced by "[redacted]" wherever they appear (two levels deep). */
const SECRET_FIELDS = ["privateKey", "password", "secret", "mnemonic", "keystore", "authorization"];

/** JSON lines on stdout (or `destination`), one object per event, secrets redacted by field name. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]);
  return pino(
    {
      level,
      base: { service: "optio-keeper", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: (e: unknown) => (e instanceof Error ? { type: e.name, message: e.message } : e) },
      // viem and the transaction manager hand over bigints (fees, block numbers); JSON cannot carry them.
      hooks: {
        logMethod(args, method) {
          if (typeof args[0] === "object" && args[0] !== null) args[0] = stringifyBigints(args[0]);
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function stringifyBigints(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(stringifyBigints);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = stringifyBigints(v);
  return out;
}
