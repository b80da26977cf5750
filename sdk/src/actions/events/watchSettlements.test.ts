import { expect } from "chai";
import type { SettlementEvent } from "./decodeOptioEvents.js";
import { localChain } from "../../test/chain.js";
import { collector, isolated } from "../../test/accounts.js";
import { expiredCall, WAD } from "../../test/expiry.js";

describe("actions/events/watchSettlements (HTTP node)", () => {
  it("delivers both sides' settlements with the expiry price", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { m, long, short, expiry } = await expiredCall(chain, "watchSettlements");
      await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      const seen = collector<SettlementEvent>();
      const unwatch = long.watchSettlements({ onEvents: seen.onEvents, pollingInterval: 50 });
      try {
        const l = await long.settle({ seriesId: m.callId });
        const s = await short.settle({ seriesId: m.callId });
        const events = await seen.next(2);
        expect(
          events.map((e) => [e.account, e.seriesId, e.position, e.expiryPriceE18, e.paid, e.outstanding]),
        ).to.deep.equal([
          [long.address, m.callId, WAD, 4_500n * WAD, l.paid, l.outstanding],
          [short.address, m.callId, -WAD, 4_500n * WAD, s.paid, s.outstanding],
        ]);
      } finally {
        unwatch();
      }
    });
  });
});
