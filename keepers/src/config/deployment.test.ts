import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { KEEPERS_ROOT, startAnvil, type LocalNode } from "../testing/nodes.js";
import { deployOptio } from "../testing/optio.js";

const BIN = join(KEEPERS_ROOT, "bin/optio-keeper.js");

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("config: the deployment file (Optio deployed on anvil)", function () {
  this.timeout(180_000);
  let node: LocalNode | undefined;
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "keeper-deployment-"));
  });
  after(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts the file the deploy step wrote, and names each wrong entry of a damaged one (exit 2)", async () => {
    node = await startAnvil();
    const optio = await deployOptio(node.url, dir);
    // The file points at real contracts on this node.
    const client = createPublicClient({ transport: http(node.url) });
    for (const address of Object.values(optio.deployment.contracts))
      expect(await client.getCode({ address }), address).to.match(/^0x[0-9a-f]{100,}/);

    const config = (deployment: string) => {
      const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, JSON.stringify({ chainId: 31337, rpc: { urls: [node!.url] }, deployment }));
      return path;
    };
    const ok = cli(["config", "check", "--config", config(optio.deploymentPath)]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.contain(`deployment ${optio.deploymentPath}`);

    const damaged = JSON.parse(readFileSync(optio.deploymentPath, "utf8"));
    damaged.contracts.vault = "0x1234";
    delete damaged.contracts.exchange;
    const damagedPath = join(dir, "damaged.json");
    writeFileSync(damagedPath, JSON.stringify(damaged));
    const bad = cli(["config", "check", "--config", config(damagedPath)]);
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.equal("");
    const lines = bad.stderr.trim().split("\n");
    expect(lines).to.have.length(2);
    expect(
      lines.some((l) => /^config: deployment: .*damaged\.json: contracts\.vault: not an address$/.test(l)),
    ).to.equal(true);
    expect(lines.some((l) => /^config: deployment: .*damaged\.json: contracts\.exchange: missing$/.test(l))).to.equal(
      true,
    );

    const wrongChain = join(dir, "wrong-chain.json");
    writeFileSync(
      wrongChain,
      JSON.stringify({ chainId: 1, rpc: { urls: [node.url] }, deployment: optio.deploymentPath }),
    );
    const refused = cli(["config", "check", "--config", wrongChain]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(/^config: deployment: .*chainId: 31337, expected 1\n$/);
  });
});
