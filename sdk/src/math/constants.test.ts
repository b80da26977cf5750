import { expect } from "chai";
import { WAD } from "./constants.js";

describe("sdk/math/constants", () => {
  it("WAD is 1e18", () => {
    expect(WAD).to.equal(1_000_000_000_000_000_000n);
  });
});
