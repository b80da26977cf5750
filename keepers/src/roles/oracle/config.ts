import { z } from "zod";

/** True for 127.0.0.0/8, ::1 and localhost (the observation transport stays on loopback). */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

function isLoopbackHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && isLoopback(u.hostname);
  } catch {
    return false;
  }
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");

const chainlinkSource = z.strictObject({
  type: z.literal("chainlink"),
  aggregator: z
    .string()
    .min(1)
    .describe(
      "Aggregator address, or the name of an address under the deployment file's `extra` (e.g. ethAggregator).",
    ),
  maxAgeSeconds: int(1).default(3600).describe("Ignore an answer older than this (chain time), in seconds."),
});

const httpSource = z.strictObject({
  type: z.literal("http"),
  url: z.string().url().describe("GET endpoint returning JSON."),
  path: z.string().min(1).describe("Dot path of the value in the JSON body (e.g. data.price or 0.p)."),
  timeoutMs: int(50).default(2000).describe("Request timeout, in milliseconds."),
});

const scriptedSource = z.strictObject({
  type: z.literal("scripted"),
  path: z
    .string()
    .min(1)
    .describe("JSON-lines file: one object per line, `at` (unix seconds, chain time) and values by key."),
  key: z.string().min(1).optional().describe("Key of the value in each line; defaults to the feed's name."),
});

export const oracleSourceSchema = z.discriminatedUnion("type", [chainlinkSource, httpSource, scriptedSource]);
export type OracleSourceConfig = z.infer<typeof oracleSourceSchema>;

export const oracleFeedSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .describe("Feed name; its id is keccak256(name), as the SDK's feedId (e.g. ETH/USD, ETH/USD-IV)."),
  kind: z
    .enum(["spot", "vol"])
    .default("spot")
    .describe("Spot price (quote per unit) or implied volatility (a fraction)."),
  sources: z.array(oracleSourceSchema).min(1, "needs at least one source"),
  minSources: int(1).default(1).describe("Fewest sources left after the outlier rule for the signer to observe."),
  outlierPercent: z
    .number()
    .positive()
    .default(5)
    .describe("Drop a source further than this from the sources' median."),
  deviationPercent: z
    .number()
    .positive()
    .default(1)
    .describe("A round is due when the observation moves this far from the latest round."),
  heartbeatSeconds: int(1).default(1800).describe("A round is due when the latest round is this old (chain time)."),
});
export type OracleFeedConfig = z.infer<typeof oracleFeedSchema>;

/** The `roles.oracle` section of the keeper's configuration. */
export const oracleConfigSchema = z
  .strictObject({
    feeds: z
      .array(oracleFeedSchema)
      .default([])
      .describe(
        "Feeds this signer observes: name, kind, sources (chainlink, http, scripted), minSources, outlierPercent, deviationPercent, heartbeatSeconds (see the oracle guide).",
      ),
    listen: z
      .strictObject({
        host: z
          .string()
          .refine(isLoopback, { message: "must be a loopback address (127.0.0.1, ::1, localhost)" })
          .default("127.0.0.1")
          .describe("Observation server address (loopback only)."),
        port: int(0, 65_535).default(9470).describe("Observation server port (0 picks a free one)."),
      })
      .prefault({})
      .describe("Where this signer receives peers' signed observations."),
    peers: z
      .array(
        z
          .string()
          .refine(isLoopbackHttpUrl, { message: "must be an http(s) URL on a loopback address" })
          .meta({ format: "uri" }),
      )
      .default([])
      .describe("Observation servers of the other signers (loopback http URLs)."),
    tickMs: int(50).default(500).describe("How often the signer observes, exchanges and decides, in milliseconds."),
    proposeBackoffMs: int(0)
      .default(3000)
      .describe("Turn order: a signer of rank r proposes a due round r x this after the leader would have."),
    submitBackoffMs: int(0)
      .default(3000)
      .describe("Turn order: a signer of rank r submits a complete round r x this after its proposer would have."),
    maxObservationAgeSeconds: int(1)
      .default(60)
      .describe("Peers' observations older than this (chain time) are dropped as stale."),
    clockToleranceSeconds: int(0).default(5).describe("Observations stamped further ahead of chain time are dropped."),
    peerSeenSeconds: int(1).default(60).describe("A peer counts as seen for this long after its last valid message."),
    stepToBound: z
      .boolean()
      .default(true)
      .describe(
        "When an observation moves further than the feed's on-chain deviation bound allows, sign a value just inside the bound so the feed walks toward it in consecutive rounds.",
      ),
    testing: z
      .strictObject({
        dropRulesFile: z
          .string()
          .min(1)
          .optional()
          .describe(
            'TESTS ONLY: a JSON file {"drop": [peer URL or signer address, ...]} re-read every tick; matching peers are neither sent to nor heard from.',
          ),
      })
      .prefault({})
      .describe("Fault injection for end-to-end tests; never set in production."),
  })
  .prefault({})
  .describe(
    "The oracle role: observes price sources, exchanges signed observations with peers, submits quorum rounds.",
  );

export type OracleConfig = z.infer<typeof oracleConfigSchema>;
