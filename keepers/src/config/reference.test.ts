import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KEEPERS_ROOT } from "../testing/nodes.js";
import { configReference, renderReadme } from "./reference.js";

describe("config reference in keepers/README.md", () => {
  it("is the one generated from the schema (run `npm run config:reference -w @optio/keepers` when this fails)", async () => {
    const path = join(KEEPERS_ROOT, "README.md");
    const readme = readFileSync(path, "utf8");
    expect(await renderReadme(readme, path)).to.equal(readme);
  });

  it("documents every field with a description", () => {
    const rows = configReference()
      .split("\n")
      .filter((l) => l.startsWith("| `") && !l.includes("OPTIO_KEEPER_"));
    expect(rows.length).to.be.greaterThan(20);
    for (const r of rows) expect(r.trimEnd().endsWith("|  |"), r).to.equal(false);
    expect(configReference()).to.contain("| `rpc.urls` | http(s) URL list | required |");
  });
});
