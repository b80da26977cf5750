import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getAddress, keccak256, toHex, type Address } from "viem";
import { KEEPER_BIN } from "../../testing/keeperProcess.js";
import { DEV_KEY_1 } from "../../testing/nodes.js";
import { inShard, parseShard, ShardError } from "./shard.js";

const accounts: Address[] = Array.from({ length: 3000 }, (_, i) =>
  getAddress(`0x${keccak256(toHex(`shard test ${i}`)).slice(26)}`),
);

describe("liquidator shards", () => {
  it("parses i/n and refuses anything else", () => {
    expect(parseShard("0/1")).to.deep.equal({ index: 0, count: 1 });
    expect(parseShard(" 2 / 3 ")).to.deep.equal({ index: 2, count: 3 });
    for (const bad of ["", "1", "1/1", "3/2", "0/0", "-1/2", "a/b", "1/2/3", "0/1025", "0.5/2"])
      expect(() => parseShard(bad), bad).to.throw(ShardError);
  });

  it("puts every account in exactly one of n shards, whatever the address case, about evenly", () => {
    for (const n of [2, 3, 8]) {
      const sizes = new Array<number>(n).fill(0);
      for (const a of accounts) {
        const owners = [...Array(n).keys()].filter((i) => inShard(a, { index: i, count: n }));
        expect(owners, a).to.have.length(1);
        expect(inShard(a.toLowerCase() as Address, { index: owners[0], count: n })).to.equal(true);
        sizes[owners[0]]++;
      }
      // Each shard within 20% of an even split (a hash, not a round robin).
      for (const size of sizes) expect(size).to.be.within((accounts.length / n) * 0.8, (accounts.length / n) * 1.2);
    }
  });

  it("run --shard and roles.liquidator.shard refuse a bad shard with one readable line and exit 2", function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), "keeper-shard-"));
    try {
      const config = (extra: object) => {
        const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
        writeFileSync(
          path,
          JSON.stringify({
            chainId: 31337,
            rpc: { urls: ["http://127.0.0.1:1"] },
            deployment: "/nonexistent",
            ...extra,
          }),
        );
        return path;
      };
      const run = (args: string[]) =>
        spawnSync(process.execPath, [KEEPER_BIN, "run", "--roles", "liquidator", ...args], {
          encoding: "utf8",
          timeout: 30_000,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, OPTIO_KEEPER_PRIVATE_KEY: DEV_KEY_1 },
        });
      const flag = run(["--config", config({}), "--shard", "2/2"]);
      expect(flag.status).to.equal(2);
      expect(flag.stderr).to.match(/^run: --shard: shard "2\/2": expected i\/n with integers 0 <= i < n <= 1024/);
      expect(flag.stderr.trim().split("\n")).to.have.length(1);
      const file = run(["--config", config({ roles: { liquidator: { shard: "1/0" } } })]);
      expect(file.status).to.equal(2);
      expect(file.stderr.trim()).to.equal(
        "config: roles.liquidator.shard: must be i/n with integers 0 <= i < n <= 1024",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
