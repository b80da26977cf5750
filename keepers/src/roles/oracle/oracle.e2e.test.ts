/**
 * End to end: quorum signers as real `optio-keeper run --roles oracle` processes on loopback against anvil (one
 * block a second) with Optio deployed, 4 signers and k = 3 set through the timelock. Each test starts its own
 * signers (fresh stores and ports) and stops them; the node and deployment are shared.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { feedId, oracleRouterAbi, quorumFeedAbi, reportTypedData, riskControllerAbi } from "@optio/sdk";
import { deployOptio, type OptioOnNode } from "../../testing/optio.js";
import { createSource } from "./sources.js";
import { until } from "../../testing/keeperProcess.js";
import { rpc, startAnvil, type LocalNode } from "../../testing/nodes.js";
import {
  heal,
  localKey,
  movePrice,
  partition,
  prepareSigners,
  startSigner as start,
  stopSigner,
  type OracleSignerProcess as Signer,
} from "../../testing/oracle.js";

const WAD = 10n ** 18n;
const FEED = "ETH/USD";
const SPOT_ID = feedId(FEED);
const VOL_FEED = "ETH/USD-IV";

function metric(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m"));
  return m ? Number(m[1]) : 0;
}

describe("oracle role (real CLI signers, anvil, 4 signers k = 3)", function () {
  this.timeout(600_000);
  let node: LocalNode | undefined;
  let optio: OptioOnNode;
  let root: string;
  let signers: Signer[] = [];
  const client = () => createPublicClient({ transport: http(node!.url) });

  const latestRound = async () => {
    const [roundId, value, timestamp] = await client().readContract({
      address: optio.deployment.contracts.quorumFeed,
      abi: quorumFeedAbi,
      functionName: "latestRound",
      args: [SPOT_ID],
    });
    return { roundId, value, timestamp };
  };
  const scrape = async (s: Signer) =>
    (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  const logs = () => signers.map((s) => `--- signer ${s.index}\n${s.log.split("\n").slice(-40).join("\n")}`).join("\n");

  async function makeSigners(
    prices: string[],
    options: { submitBackoffMs?: number; vols?: string[] } = {},
  ): Promise<Signer[]> {
    const vols = options.vols;
    signers = await prepareSigners({
      root,
      nodeUrl: node!.url,
      deploymentPath: optio.deploymentPath,
      accounts: [4, 5, 6, 7],
      prices: prices.map((p, i): Record<string, string> => (vols ? { [FEED]: p, [VOL_FEED]: vols[i] } : { [FEED]: p })),
      feeds: [
        { name: FEED, deviationPercent: 0.5, heartbeatSeconds: 4 },
        ...(vols ? [{ name: VOL_FEED, kind: "vol", deviationPercent: 1, heartbeatSeconds: 4 }] : []),
      ],
      oracle: {
        tickMs: 250,
        proposeBackoffMs: 1500,
        submitBackoffMs: options.submitBackoffMs ?? 1500,
        maxObservationAgeSeconds: 15,
      },
    });
    return signers;
  }

  async function stopAll(): Promise<void> {
    for (const s of signers) await stopSigner(s);
  }

  /** Waits for `count` more accepted rounds of the spot feed; returns them (value, timestamp). */
  async function rounds(count: number, timeoutMs = 60_000) {
    const first = (await latestRound()).roundId;
    await until(
      `${count} more rounds after round ${first}`,
      async () => ((await latestRound()).roundId >= first + BigInt(count) ? true : undefined),
      timeoutMs,
      logs,
    );
    const out: { roundId: bigint; value: bigint }[] = [];
    for (let id = first + 1n; id <= first + BigInt(count); id++) {
      const [value] = await client().readContract({
        address: optio.deployment.contracts.quorumFeed,
        abi: quorumFeedAbi,
        functionName: "getRound",
        args: [SPOT_ID, id],
      });
      out.push({ roundId: id, value });
    }
    return out;
  }

  /** No line at error or fatal level in any signer's log (lost races are info). */
  function expectNoErrors(): void {
    for (const s of signers) {
      for (const line of s.log.split("\n")) {
        if (line.trim() === "") continue;
        const level = (JSON.parse(line) as { level: string | number }).level;
        expect(["error", "fatal", 50, 60], `signer ${s.index}: ${line}`).to.not.include(level);
      }
    }
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "oracle-e2e-"));
    node = await startAnvil({ blockTime: 1 });
    optio = await deployOptio(node.url, join(root, "deployment"));
    await optio.setQuorumSigners(
      [4, 5, 6, 7].map((i) => privateKeyToAccount(localKey(i)).address),
      3,
    );
  });
  afterEach(stopAll);
  after(async () => {
    await stopAll();
    await node?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("the chainlink source reads the deployment's aggregator by name, scales it to WAD and refuses a stale answer", async () => {
    const source = createSource(
      { type: "chainlink", aggregator: "ethAggregator", maxAgeSeconds: 3600 },
      {
        name: FEED,
        kind: "spot",
        sources: [],
        minSources: 1,
        outlierPercent: 5,
        deviationPercent: 1,
        heartbeatSeconds: 60,
      },
      optio.deployment,
    );
    await (await optio.contracts.ethAggregator.getFunction("updateAnswer")(2_999_5000_0000n)).wait();
    const now = (await client().getBlock({ blockTag: "latest" })).timestamp;
    expect(await source.read({ chainNow: now, read: client() as never })).to.equal(29_995n * 10n ** 17n);
    let stale = false;
    await source.read({ chainNow: now + 3601n, read: client() as never }).catch(() => (stale = true));
    expect(stale).to.equal(true);
  });

  it("rounds land with one submission each, and continue with k of the rest when one signer is down (SIGTERM: exit 0)", async () => {
    const ss = await makeSigners(["3000", "3001", "3002", "3003"], { vols: ["0.80", "0.81", "0.82", "0.83"] });
    ss.forEach(start);
    const before = await rounds(2);
    // The implied-volatility feed runs beside spot.
    await until(
      "a volatility round",
      async () => {
        const [roundId, value] = await client().readContract({
          address: optio.deployment.contracts.quorumFeed,
          abi: quorumFeedAbi,
          functionName: "latestRound",
          args: [feedId(VOL_FEED)],
        });
        return roundId > 0n && value >= (80n * WAD) / 100n && value <= (83n * WAD) / 100n ? true : undefined;
      },
      60_000,
      logs,
    );
    for (const r of before) expect(r.value).to.be.within(3000n * WAD, 3003n * WAD);
    // One signer down (SIGKILL): the other three still reach k = 3.
    // Stopped gracefully (SIGTERM): it finishes its tick, closes its servers and exits 0.
    await stopSigner(ss[0], "SIGTERM");
    expect(ss[0].child!.exitCode).to.equal(0);
    expect(ss[0].log).to.contain('"msg":"stopped"');
    const after = await rounds(3);
    for (const r of after) expect(r.value).to.be.within(3001n * WAD, 3003n * WAD);
    let submitted = 0;
    for (const s of ss.slice(1))
      submitted += metric(await scrape(s), `optio_keeper_oracle_rounds_submitted_total{feed="${FEED}"}`);
    expect(submitted).to.be.greaterThan(0);
    const live = await scrape(ss[1]);
    expect(metric(live, "optio_keeper_oracle_peers_seen")).to.be.greaterThanOrEqual(2);
    expect(metric(live, `optio_keeper_oracle_rounds_signed_total{feed="${FEED}"}`)).to.be.greaterThanOrEqual(3);
    expect((await fetch(`http://127.0.0.1:${ss[1].metricsPort}/healthz`)).status).to.equal(200);
    expectNoErrors();
  });

  it("a signer lying 30% off and one replaying old signed observations: the median stays in the honest range and the bad messages are counted", async () => {
    const ss = await makeSigners(["3000", "3010", "3900", "3005"]);
    // Signers 0–2 run (2 is the liar); signer 3's key replays its old observations, plus forged and outside-set
    // messages, straight at the others' observation servers.
    ss.slice(0, 3).forEach(start);
    await rounds(1);
    const old = await latestRound();
    const replayer = privateKeyToAccount(ss[3].key);
    const outsider = privateKeyToAccount(localKey(9));
    const sign = (account: typeof replayer, value: bigint, timestamp: bigint) =>
      account.signTypedData(
        reportTypedData(31337, optio.deployment.contracts.quorumFeed, { feedId: SPOT_ID, value, timestamp }),
      );
    const replayed = {
      feed: FEED,
      timestamp: old.timestamp.toString(),
      value: old.value.toString(),
      signer: replayer.address,
      signature: await sign(replayer, old.value, old.timestamp),
    };
    let attacking = true;
    const attack = (async () => {
      while (attacking) {
        const now = (await client().getBlock({ blockTag: "latest" })).timestamp;
        const outside = {
          ...replayed,
          timestamp: now.toString(),
          value: "1",
          signer: outsider.address,
          signature: await sign(outsider, 1n, now),
        };
        const forged = { ...replayed, timestamp: now.toString(), value: "1" }; // signature over another value
        for (const s of ss.slice(0, 3)) {
          await fetch(`http://127.0.0.1:${s.obsPort}/v1/observations`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ observations: [replayed, outside, forged, { feed: FEED, value: "x" }] }),
          }).catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    try {
      const landed = await rounds(3);
      // The liar signs 3900 (stepped to the feed's bound); with k = 3 the median is the higher honest value.
      for (const r of landed) expect(r.value).to.be.within(3000n * WAD, 3010n * WAD);
    } finally {
      attacking = false;
      await attack;
    }
    const text = await scrape(ss[0]);
    for (const reason of ["replayed", "unknown_signer", "bad_signature", "malformed"])
      expect(metric(text, `optio_keeper_oracle_messages_dropped_total{reason="${reason}"}`), reason).to.be.greaterThan(
        0,
      );
    expectNoErrors();
  });

  it("a signer killed mid-round and restarted rejoins; rounds go on", async () => {
    const ss = await makeSigners(["3000", "3001", "3002", "3003"]);
    ss.forEach(start);
    await rounds(1);
    // Mid-round: signer 1 has signed an observation for a round not yet on chain.
    await until(
      "signer 1 to sign an open round",
      async () => {
        const text = await scrape(ss[1]);
        const signed = metric(text, `optio_keeper_oracle_rounds_signed_total{feed="${FEED}"}`);
        const accepted = metric(text, `optio_keeper_oracle_rounds_accepted_total{feed="${FEED}"}`);
        return signed > accepted ? true : undefined;
      },
      60_000,
      logs,
    );
    await stopSigner(ss[1]);
    start(ss[1]);
    await rounds(3);
    await until(
      "the restarted signer to sign again",
      async () =>
        metric(await scrape(ss[1]), `optio_keeper_oracle_rounds_signed_total{feed="${FEED}"}`) > 0 ? true : undefined,
      30_000,
      logs,
    );
    expect(ss[1].log).to.contain('"msg":"resuming from checkpoint"');
    expectNoErrors();
  });

  it("every signer submitting the same round at once: one lands, the rest are recognised as lost without alarm", async () => {
    const ss = await makeSigners(["3000", "3001", "3002", "3003"], { submitBackoffMs: 0 });
    ss.forEach(start);
    await rounds(3);
    let lost = 0;
    let submitted = 0;
    for (const s of ss) {
      const text = await scrape(s);
      lost += metric(text, `optio_keeper_oracle_rounds_lost_total{feed="${FEED}"}`);
      submitted += metric(text, `optio_keeper_oracle_rounds_submitted_total{feed="${FEED}"}`);
      expect(metric(text, `optio_keeper_oracle_rounds_failed_total{feed="${FEED}"}`)).to.equal(0);
    }
    expect(lost).to.be.greaterThan(0);
    expect(submitted).to.be.greaterThan(0);
    // The role itself never warns about a lost race. Two submissions mined in one block leave the loser reverted on
    // chain: the transaction manager reports that gas was spent ("transaction mined but reverted", its documented
    // warn), and the role counts the round as lost at info ("round landed second; dropped").
    for (const s of ss)
      for (const line of s.log.split("\n").filter((l) => l.includes('"level":"warn"'))) {
        const entry = JSON.parse(line) as { msg: string; label?: string };
        if (entry.msg === "transaction mined but reverted" && entry.label === "oracle.submit") continue;
        expect.fail(`signer ${s.index} warned: ${line}`);
      }
    expectNoErrors();
  });
  it("a 40% crash in the scripted source walks the feed down in rounds within the on-chain bound, to the new price", async () => {
    const ss = await makeSigners(["3000", "3000", "3000", "3000"]);
    ss.forEach(start);
    await rounds(1);
    const from = await latestRound();
    for (const s of ss) movePrice(s, { [FEED]: "1800" });
    const target = 1800n * WAD;
    await until(
      "the feed to reach the crashed price",
      async () => ((await latestRound()).value === target ? true : undefined),
      60_000,
      logs,
    );
    const to = (await latestRound()).roundId;
    let previous = from.value;
    for (let id = from.roundId + 1n; id <= to; id++) {
      const [value] = await client().readContract({
        address: optio.deployment.contracts.quorumFeed,
        abi: quorumFeedAbi,
        functionName: "getRound",
        args: [SPOT_ID, id],
      });
      // Each step at most the live feed's 25% bound, and never below the new price.
      expect(value * 100n >= previous * 75n, `round ${id}`).to.equal(true);
      expect(value >= target).to.equal(true);
      previous = value;
    }
    expect(to - from.roundId).to.be.within(2n, 4n);
    expectNoErrors();
  });

  it("a 2/2 partition: no quorum, the feed goes stale, the router degrades and the risk controller goes reduce-only with no liquidation; healed, rounds resume and all is Ok", async () => {
    const ss = await makeSigners(["3000", "3001", "3002", "3003"]);
    partition(ss.slice(0, 2), ss.slice(2));
    ss.forEach(start);
    await until(
      "all four ready",
      async () => {
        for (const s of ss)
          if ((await fetch(`http://127.0.0.1:${s.metricsPort}/readyz`)).status !== 200) return undefined;
        return true;
      },
      60_000,
      logs,
    );
    const frozen = (await latestRound()).roundId;
    // Heartbeat 4 s: several rounds would be due, none can reach k = 3.
    await new Promise((r) => setTimeout(r, 10_000));
    expect((await latestRound()).roundId).to.equal(frozen);
    // The feed goes stale (an hour and more on the chain's clock); Chainlink is kept fresh, so spot is Degraded.
    await rpc(node!.url, "evm_increaseTime", [3700]);
    await rpc(node!.url, "evm_mine");
    await (await optio.contracts.ethAggregator.getFunction("updateAnswer")(3000n * 10n ** 8n)).wait();
    const router = optio.deployment.extra.ethRouter;
    const health = async () =>
      (await client().readContract({ address: router, abi: oracleRouterAbi, functionName: "spot" }))[1];
    expect(await health()).to.equal(1); // Degraded
    // The risk controller's oracle rule: reduce-only and no liquidation on an unhealthy price (ETH is underlying 1).
    const gates = async () =>
      Promise.all(
        (["allowsNewRisk", "allowsLiquidation"] as const).map((functionName) =>
          client().readContract({
            address: optio.deployment.contracts.riskController,
            abi: riskControllerAbi,
            functionName,
            args: [1n],
          }),
        ),
      );
    expect(await gates()).to.deep.equal([false, false]);
    // Each side hears only its partner.
    for (const s of ss) expect(metric(await scrape(s), "optio_keeper_oracle_peers_seen")).to.equal(1);
    // Healed: the next due round gathers k and lands; both sources agree again.
    heal(ss);
    await rounds(1, 60_000);
    expect(await health()).to.equal(0); // Ok
    expect(await gates()).to.deep.equal([true, true]);
    expectNoErrors();
  });
});
