import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";

/** Largest request body the observation server reads (a batch of a few dozen observations fits easily). */
const MAX_BODY_BYTES = 64 * 1024;

/** What the server's handler answers for one batch. */
export interface BatchResult {
  accepted: number;
  dropped: Record<string, number>;
}

export interface TransportOptions {
  host: string;
  port: number;
  /** Handles one batch of items (each still unvalidated JSON). */
  onBatch(items: unknown[]): Promise<BatchResult>;
  /** Counts a request refused before its items were read (malformed body). */
  onMalformed(): void;
  requestTimeoutMs?: number;
}

/**
 * The signers' observation exchange: an HTTP server on a loopback address receiving `POST /v1/observations`
 * (`{"observations": [...]}`), and a client pushing batches to peers. The transport authenticates nothing: every
 * observation carries its EIP-712 signature, which the role checks against the on-chain signer set.
 */
export class ObservationTransport {
  private server: Server | undefined;

  constructor(private readonly o: TransportOptions) {}

  async listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.requestTimeout = 10_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.o.port, this.o.host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  /** Pushes a batch to `peer`; true when the peer answered 2xx. Never throws. */
  async push(peer: string, observations: unknown[]): Promise<boolean> {
    try {
      const res = await fetch(new URL("/v1/observations", peer), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ observations }),
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 2000),
      });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || req.url !== "/v1/observations") return reply(404, { error: "not found" });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk as Buffer);
    }
    if (tooLarge) {
      this.o.onMalformed();
      return reply(413, { error: "body too large" });
    }
    let items: unknown;
    try {
      items = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { observations?: unknown }).observations;
    } catch {
      items = undefined;
    }
    if (!Array.isArray(items) || items.length > 256) {
      this.o.onMalformed();
      return reply(400, { error: "expected {observations: [...]} with at most 256 items" });
    }
    try {
      reply(200, await this.o.onBatch(items));
    } catch (error) {
      reply(500, { error: String((error as Error)?.message ?? error).split("\n")[0] });
    }
  }
}

/**
 * Test-only per-peer drop rules: a JSON file `{"drop": [...]}` of peer URLs and signer addresses, re-read at most
 * once per call. A missing file means no rule. Matching is case-insensitive and ignores a trailing slash.
 */
export function readDropRules(file: string | undefined): Set<string> {
  if (file === undefined) return new Set();
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { drop?: unknown };
    if (!Array.isArray(parsed.drop)) return new Set();
    return new Set(parsed.drop.filter((d): d is string => typeof d === "string").map(normalise));
  } catch {
    return new Set();
  }
}

export function normalise(peerOrAddress: string): string {
  return peerOrAddress.trim().toLowerCase().replace(/\/+$/, "");
}
