import { expect } from "chai";
import { DEPLOYMENT_CONTRACTS, InvalidDeploymentError, loadDeployment, serializeDeployment } from "./deployment.js";

const address = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}`;
const valid = {
  chainId: 31337,
  blockNumber: "12",
  contracts: Object.fromEntries(DEPLOYMENT_CONTRACTS.map((name, i) => [name, address(i)])),
  extra: { usdc: "0x00000000000000000000000000000000000000aa" },
};

describe("deployment: loadDeployment validates the deployment file", () => {
  it("loads a single deployment and a registry keyed by chain id, checksumming addresses", () => {
    const d = loadDeployment(valid);
    expect(d.chainId).to.equal(31337);
    expect(d.blockNumber).to.equal(12n);
    expect(d.extra.usdc).to.equal("0x00000000000000000000000000000000000000AA");
    expect(loadDeployment({ "1": { ...valid, chainId: 1 }, "31337": valid }, 31337)).to.deep.equal(d);
    expect(loadDeployment(JSON.parse(JSON.stringify(serializeDeployment(d))))).to.deep.equal(d);
  });

  it("lists every problem of a malformed file", () => {
    const { vault: _vault, ...rest } = valid.contracts;
    const bad = { chainId: 0, blockNumber: -1, contracts: { ...rest, exchange: "0x12" }, extra: { x: 5 } };
    try {
      loadDeployment(bad);
      expect.fail("accepted a malformed deployment");
    } catch (err) {
      expect(err).to.be.instanceOf(InvalidDeploymentError);
      expect((err as InvalidDeploymentError).problems).to.deep.equal([
        "chainId: not a positive integer",
        "blockNumber: not a non-negative integer",
        "contracts.vault: missing",
        "contracts.exchange: not an address",
        "extra.x: not an address",
      ]);
    }
    expect(() => loadDeployment({ "1": valid })).to.throw(InvalidDeploymentError, /Invalid Optio deployment/);
    expect(() => loadDeployment({ "1": valid }, 5)).to.throw(InvalidDeploymentError);
    expect(() => loadDeployment(valid, 1)).to.throw(InvalidDeploymentError);
  });
});
