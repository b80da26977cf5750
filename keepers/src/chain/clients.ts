import {
  createPublicClient,
  fallback,
  http,
  type Chain,
  type EIP1193RequestFn,
  type PublicClient,
  type Transport,
} from "viem";
import type { KeeperMetrics } from "../ops/metrics.js";

export interface ChainAccessOptions {
  chainId: number;
  /** Read endpoints, most preferred first. */
  urls: string[];
  /** Where signed transactions go (a private-mempool or builder RPC); the read endpoints when absent. */
  submitUrl?: string;
  timeoutMs: number;
  retryCount: number;
  /** Let viem re-rank the read endpoints by latency and stability (it pings them in the background). */
  rank: boolean;
  rankIntervalMs: number;
  pollingIntervalMs: number;
  metrics?: KeeperMetrics;
}

export interface ChainAccess {
  /** Reads, with fail-over across every read URL. */
  read: PublicClient;
  /** Writes: eth_sendRawTransaction goes here and nowhere else. */
  submit: PublicClient;
  chain: Chain;
}

/**
 * The label an endpoint has in logs and metrics: its index and host. Paths and query strings are left out
 * because providers put API keys there.
 */
export function endpointLabel(url: string, index: number | "submit"): string {
  let host = "invalid-url";
  try {
    host = new URL(url).host;
  } catch {
    // keep the placeholder: config validation rejects such URLs before they get here
  }
  return `${index}:${host}`;
}

/** Builds the read client (viem `fallback` over every read URL) and the submission client. */
export function createChainAccess(o: ChainAccessOptions): ChainAccess {
  const chain = minimalChain(o.chainId, o.urls[0]);
  const endpoint = (url: string, label: string): Transport =>
    counted(http(url, { timeout: o.timeoutMs, retryCount: 0 }), label, o.metrics);
  const reads = o.urls.map((url, i) => endpoint(url, endpointLabel(url, i)));
  const readTransport =
    reads.length === 1
      ? reads[0]
      : fallback(reads, {
          rank: o.rank ? { interval: o.rankIntervalMs } : false,
          retryCount: o.retryCount,
        });
  const read = createPublicClient({ chain, transport: readTransport, pollingInterval: o.pollingIntervalMs });
  // Without a dedicated endpoint, writes fail over across the read endpoints like reads do.
  const submit =
    o.submitUrl === undefined
      ? read
      : createPublicClient({
          chain,
          transport: endpoint(o.submitUrl, endpointLabel(o.submitUrl, "submit")),
          pollingInterval: o.pollingIntervalMs,
        });
  return { read: read as PublicClient, submit: submit as PublicClient, chain };
}

/** Wraps a transport so every request and every transport failure is counted for its endpoint. */
function counted(inner: Transport, label: string, metrics: KeeperMetrics | undefined): Transport {
  if (metrics === undefined) return inner;
  return ((params: Parameters<Transport>[0]) => {
    const t = inner(params);
    const request = (async (args, options) => {
      metrics.rpcRequests.inc({ endpoint: label });
      try {
        return await t.request(args, options);
      } catch (error) {
        if (isTransportFailure(error)) metrics.rpcErrors.inc({ endpoint: label });
        throw error;
      }
    }) as EIP1193RequestFn;
    return { ...t, request };
  }) as Transport;
}

/**
 * True for failures of the endpoint itself (unreachable, timed out, HTTP error, server-side internal error),
 * false for answers that are the chain's verdict on the request (a revert, a rejected transaction).
 */
export function isTransportFailure(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  if (name === "HttpRequestError" || name === "TimeoutError" || name === "SocketClosedError") return true;
  const code = (error as { code?: number })?.code;
  return code === -32005 || code === -32002;
}

function minimalChain(id: number, url: string): Chain {
  return {
    id,
    name: `chain-${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  };
}
