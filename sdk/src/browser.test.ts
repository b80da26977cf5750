import { expect } from "chai";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("package: the browser entry bundles without Node built-ins", () => {
  it("bundles src/index.ts for the browser platform and imports no node: or built-in module", async () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported: string[] = [];
    const result = await build({
      entryPoints: [path.join(SDK, "src/index.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
      plugins: [
        {
          name: "forbid-node-builtins",
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (builtins.has(args.path) || args.path.startsWith("node:"))
                imported.push(`${args.path} (from ${args.importer})`);
              return undefined;
            });
          },
        },
      ],
    });
    expect(result.errors).to.deep.equal([]);
    expect(imported).to.deep.equal([]);
    // The bundle really contains the SDK (and viem), not an empty stub.
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.includes("actions/orders/fill.ts"))).to.equal(true);
    expect(inputs.some((f) => f.includes("node_modules/viem/"))).to.equal(true);
  });
});
