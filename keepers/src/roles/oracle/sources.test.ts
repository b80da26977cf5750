import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { PublicClient } from "viem";
import { aggregate, httpSource, median, parseScript, scriptedSource, toWad } from "./sources.js";

const WAD = 10n ** 18n;
const noChain = undefined as unknown as PublicClient;

describe("oracle sources", () => {
  let dir: string;
  let server: Server | undefined;
  before(() => (dir = mkdtempSync(join(tmpdir(), "oracle-sources-"))));
  after(async () => {
    if (server) await new Promise((r) => server!.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("median and the outlier rule: a source 30% off is dropped, too few left means no observation", () => {
    expect(median([3n, 1n, 2n])).to.equal(2n);
    expect(median([4n, 1n, 3n, 2n])).to.equal(2n); // (2 + 3) / 2 rounded down
    const honest = [3000n * WAD, 3003n * WAD, 2998n * WAD];
    const liar = 3900n * WAD;
    const r = aggregate([...honest, liar], 5, 2)!;
    expect(r.dropped).to.equal(1);
    expect(r.value).to.equal(3000n * WAD);
    expect(aggregate([3000n * WAD, 3900n * WAD], 5, 2)).to.equal(undefined);
    expect(aggregate([], 5, 1)).to.equal(undefined);
  });

  it("decimals become WAD exactly; anything else is refused", () => {
    expect(toWad("3000.5", "x")).to.equal(3000n * WAD + WAD / 2n);
    expect(toWad(0.8, "x")).to.equal((8n * WAD) / 10n);
    expect(toWad("1e3", "x")).to.equal(1000n * WAD);
    for (const bad of ["-1", "0", "abc", null, {}, "1.2.3"]) expect(() => toWad(bad, "x")).to.throw();
  });

  it("the scripted source follows chain time and re-reads the file as a driver appends to it", async () => {
    const file = join(dir, "script.jsonl");
    writeFileSync(file, `{"at": 0, "ETH/USD": "3000", "ETH/USD-IV": "0.8"}\n{"at": 100, "ETH/USD": "2900"}\n`);
    const spot = scriptedSource(file, "ETH/USD");
    const vol = scriptedSource(file, "ETH/USD-IV");
    expect(await spot.read({ chainNow: 50n, read: noChain })).to.equal(3000n * WAD);
    expect(await spot.read({ chainNow: 100n, read: noChain })).to.equal(2900n * WAD);
    expect(await vol.read({ chainNow: 100n, read: noChain })).to.equal((8n * WAD) / 10n);
    // A size change is enough to re-read (mtime can be equal within one tick).
    appendFileSync(file, `{"at": 100, "ETH/USD": "1800.25", "ETH/USD-IV": "1.5"}\n`);
    expect(await spot.read({ chainNow: 100n, read: noChain })).to.equal(1800n * WAD + WAD / 4n);
    expect(await vol.read({ chainNow: 100n, read: noChain })).to.equal((15n * WAD) / 10n);
    expect(() => parseScript(`{"at": -1, "X": "1"}`, "X")).to.throw(/line 1/);
    expect(() => parseScript(`nope`, "X")).to.throw(/line 1: not JSON/);
    let missing = false;
    await scriptedSource(file, "BTC/USD")
      .read({ chainNow: 1n, read: noChain })
      .catch(() => (missing = true));
    expect(missing).to.equal(true);
  });

  it("the HTTP source reads a dot path from a JSON body and fails on an HTTP error", async () => {
    let status = 200;
    server = createServer((_req, res) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: [{ price: "2500.125" }] }));
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const source = httpSource(url, "data.0.price", 1000);
    expect(await source.read({ chainNow: 0n, read: noChain })).to.equal(2500n * WAD + WAD / 8n);
    status = 503;
    let failed = false;
    await source.read({ chainNow: 0n, read: noChain }).catch(() => (failed = true));
    expect(failed).to.equal(true);
  });
});
