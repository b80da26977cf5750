import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KeeperMetrics } from "./metrics.js";

export interface HealthSource {
  /** Alive: the main loop has run recently. */
  healthy(): { ok: boolean; detail: Record<string, unknown> };
  /** Ready: started, caught up and every role ready. */
  ready(): { ok: boolean; detail: Record<string, unknown> };
}

/** Serves /metrics (Prometheus text), /healthz and /readyz (200 or 503 with a JSON body). */
export class OpsServer {
  private server: Server | undefined;

  constructor(
    private readonly metrics: KeeperMetrics,
    private readonly health: HealthSource,
  ) {}

  async listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const reply = (code: number, type: string, body: string) => {
        res.writeHead(code, { "content-type": type });
        res.end(body);
      };
      if (req.method !== "GET") return reply(405, "text/plain", "method not allowed\n");
      if (path === "/metrics") {
        this.metrics.registry.metrics().then(
          (text) => reply(200, this.metrics.registry.contentType, text),
          (error: Error) => reply(500, "text/plain", `${error.message}\n`),
        );
        return;
      }
      if (path === "/healthz" || path === "/readyz") {
        const { ok, detail } = path === "/healthz" ? this.health.healthy() : this.health.ready();
        return reply(ok ? 200 : 503, "application/json", `${JSON.stringify({ ok, ...detail })}\n`);
      }
      reply(404, "text/plain", "not found\n");
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
