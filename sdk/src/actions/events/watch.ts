import type { Address } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { decodeOptioEvents, type OptioEvent } from "./decodeOptioEvents.js";

/** What every `watchX` helper takes besides its callback. */
export type WatchParameters<event> = {
  /** Called with each batch of new events, in log order. */
  onEvents: (events: event[]) => void;
  /** Called when polling fails. */
  onError?: (error: Error) => void;
  /** Milliseconds between polls (default: the public client's polling interval). */
  pollingInterval?: number;
  /** Also deliver the events of blocks since this one (default: only new blocks). */
  fromBlock?: bigint;
};

/** Stops watching. */
export type Unwatch = () => void;

/** Polls the logs of `address` and hands the decoded events of `types` to `onEvents`. */
export function watchOptio<type extends OptioEvent["type"]>(
  client: OptioClientConfig,
  address: Address,
  types: readonly type[],
  params: WatchParameters<Extract<OptioEvent, { type: type }>>,
): Unwatch {
  return client.publicClient.watchEvent({
    address,
    fromBlock: params.fromBlock,
    pollingInterval: params.pollingInterval,
    onError: params.onError,
    onLogs: (logs) => {
      const events = decodeOptioEvents(client, { logs }).filter((e) => (types as readonly string[]).includes(e.type));
      if (events.length > 0) params.onEvents(events as Extract<OptioEvent, { type: type }>[]);
    },
  });
}
