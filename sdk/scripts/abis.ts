/**
 * Generates `sdk/src/abis/*.ts` from the compiled Hardhat artifacts: one `as const` module per interface of a
 * deployed contract, one for AccessControl, the timelock, and one table of every custom error any deployed contract
 * can revert with. Never edit the output by hand.
 *
 *   node --import tsx sdk/scripts/abis.ts          write the modules
 *   node --import tsx sdk/scripts/abis.ts --check  exit 1 when a committed module differs from the artifacts
 */
import { readFile, writeFile, readdir, glob } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(ROOT, "sdk/src/abis");
const ERRORS_OUT = path.join(ROOT, "sdk/src/errors/generated.ts");

/** Sources whose NatSpec gives each error its human message. */
const ERROR_DOC_SOURCES = ["contracts/**/*.sol", "node_modules/@openzeppelin/contracts/**/*.sol"];

type AbiItem = { type: string; name?: string; inputs?: { type: string; components?: unknown[] }[] };

/** Export name → artifact of the interface every SDK call goes through. */
const INTERFACES: Record<string, string> = {
  vaultAbi: "contracts/interfaces/IVault.sol/IVault.json",
  seriesRegistryAbi: "contracts/interfaces/ISeriesRegistry.sol/ISeriesRegistry.json",
  riskControllerAbi: "contracts/interfaces/IRiskController.sol/IRiskController.json",
  quorumFeedAbi: "contracts/interfaces/IQuorumFeed.sol/IQuorumFeed.json",
  pauseGuardAbi: "contracts/interfaces/IPauseGuard.sol/IPauseGuard.json",
  positionBookAbi: "contracts/interfaces/IPositionBook.sol/IPositionBook.json",
  marginEngineAbi: "contracts/interfaces/IMarginEngine.sol/IMarginEngine.json",
  marginHookAbi: "contracts/interfaces/IMarginHook.sol/IMarginHook.json",
  exchangeAbi: "contracts/interfaces/IExchange.sol/IExchange.json",
  settlementAbi: "contracts/interfaces/ISettlement.sol/ISettlement.json",
  insuranceFundAbi: "contracts/interfaces/IInsuranceFund.sol/IInsuranceFund.json",
  liquidationEngineAbi: "contracts/interfaces/ILiquidationEngine.sol/ILiquidationEngine.json",
  liquidationAutomationAbi: "contracts/interfaces/ILiquidationAutomation.sol/ILiquidationAutomation.json",
  oracleRouterAbi: "contracts/interfaces/IOracleRouter.sol/IOracleRouter.json",
  priceSourceAbi: "contracts/interfaces/IPriceSource.sol/IPriceSource.json",
  timelockAbi: "@openzeppelin/contracts/governance/TimelockController.sol/TimelockController.json",
};

/** Implementations whose errors (own and inherited) the SDK decodes. */
const IMPLEMENTATIONS = [
  "contracts/vault/Vault.sol/Vault.json",
  "contracts/vault/OpenPositionsMarginHook.sol/OpenPositionsMarginHook.json",
  "contracts/series/SeriesRegistry.sol/SeriesRegistry.json",
  "contracts/risk/RiskController.sol/RiskController.json",
  "contracts/oracles/QuorumFeed.sol/QuorumFeed.json",
  "contracts/oracles/QuorumFeedAdapter.sol/QuorumFeedAdapter.json",
  "contracts/oracles/ChainlinkAdapter.sol/ChainlinkAdapter.json",
  "contracts/oracles/OracleRouter.sol/OracleRouter.json",
  "contracts/governance/PauseGuard.sol/PauseGuard.json",
  "contracts/positions/PositionBook.sol/PositionBook.json",
  "contracts/margin/MarginEngine.sol/MarginEngine.json",
  "contracts/exchange/Exchange.sol/Exchange.json",
  "contracts/settlement/Settlement.sol/Settlement.json",
  "contracts/liquidation/InsuranceFund.sol/InsuranceFund.json",
  "contracts/liquidation/LiquidationEngine.sol/LiquidationEngine.json",
  "contracts/automation/LiquidationAutomation.sol/LiquidationAutomation.json",
  "@openzeppelin/contracts/governance/TimelockController.sol/TimelockController.json",
  // OpenZeppelin's ERC-20 and EIP-2612 errors, as the collateral tokens (and their permits) raise them.
  "contracts/mocks/MockERC20.sol/MockERC20.json",
  "contracts/mocks/MockERC20Permit.sol/MockERC20Permit.json",
];

const ACCESS_CONTROL = new Set([
  "DEFAULT_ADMIN_ROLE",
  "getRoleAdmin",
  "grantRole",
  "hasRole",
  "renounceRole",
  "revokeRole",
  "supportsInterface",
  "RoleAdminChanged",
  "RoleGranted",
  "RoleRevoked",
  "AccessControlBadConfirmation",
  "AccessControlUnauthorizedAccount",
]);

async function abiOf(artifact: string): Promise<AbiItem[]> {
  const json = JSON.parse(await readFile(path.join(ROOT, "artifacts", artifact), "utf8")) as { abi: AbiItem[] };
  return json.abi;
}

const signature = (item: AbiItem): string => `${item.name}(${(item.inputs ?? []).map((i) => canonical(i)).join(",")})`;
function canonical(p: { type: string; components?: unknown[] }): string {
  if (!p.type.startsWith("tuple")) return p.type;
  const inner = (p.components as { type: string; components?: unknown[] }[]).map(canonical).join(",");
  return `(${inner})${p.type.slice("tuple".length)}`;
}

/** Error name → the first sentence of its NatSpec (`@notice`, else `@dev`), from the Solidity that declares it. */
async function errorDocs(): Promise<Map<string, string>> {
  const docs = new Map<string, string>();
  for (const pattern of ERROR_DOC_SOURCES) {
    for await (const file of glob(pattern, { cwd: ROOT })) {
      const lines = (await readFile(path.join(ROOT, file), "utf8")).split("\n");
      lines.forEach((line, i) => {
        const m = /^\s*error (\w+)\(/.exec(line);
        if (m === null || docs.has(m[1])) return;
        const comment: string[] = [];
        for (let j = i - 1; j >= 0; j--) {
          const t = lines[j].trim();
          if (t.startsWith("///")) comment.unshift(t.slice(3).trim());
          else if (t.startsWith("*") || t.startsWith("/**")) comment.unshift(t.replace(/^\/?\*+\/?/, "").trim());
          else break;
        }
        const text = comment.join(" ");
        const tag = /@notice\s+(.*?)(?=@\w+|$)/.exec(text) ?? /@dev\s+(.*?)(?=@\w+|$)/.exec(text);
        const body = (tag?.[1] ?? (text.startsWith("@") ? "" : text)).trim();
        if (body === "") return;
        const sentence = /^(.*?\.)(\s|$)/.exec(body)?.[1] ?? body;
        docs.set(m[1], sentence);
      });
    }
  }
  return docs;
}

/** `Exchange_OrderExpired` → "Exchange: order expired." when the source has no NatSpec. */
function humanize(name: string): string {
  const [prefix, rest] = name.includes("_") ? name.split("_", 2) : ["", name];
  const words = rest.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return `${prefix === "" ? "" : `${prefix}: `}${words}.`;
}

const HEADER = "// Generated by sdk/scripts/abis.ts from the compiled artifacts. Do not edit.\n";

async function render(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const names: string[] = [];
  for (const [name, artifact] of Object.entries(INTERFACES)) {
    const source = `${HEADER}// Source: artifacts/${artifact}\n\nexport const ${name} = ${JSON.stringify(await abiOf(artifact))} as const;\n`;
    files.set(`${name.replace(/Abi$/, "")}.ts`, source);
    names.push(name);
  }
  const vault = await abiOf(IMPLEMENTATIONS[0]);
  const accessControl = vault.filter((i) => i.name !== undefined && ACCESS_CONTROL.has(i.name));
  files.set(
    "accessControl.ts",
    `${HEADER}// Source: the AccessControl part of artifacts/${IMPLEMENTATIONS[0]}\n\nexport const accessControlAbi = ${JSON.stringify(accessControl)} as const;\n`,
  );
  names.push("accessControlAbi");

  const errors = new Map<string, AbiItem>();
  for (const artifact of IMPLEMENTATIONS) {
    for (const item of await abiOf(artifact)) {
      if (item.type === "error" && !errors.has(signature(item))) errors.set(signature(item), item);
    }
  }
  const sorted = [...errors.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
  files.set(
    "errors.ts",
    `${HEADER}// Every custom error a deployed contract (or a collateral token) can revert with, sorted by signature.\n\nexport const optioErrorsAbi = ${JSON.stringify(sorted)} as const;\n`,
  );
  names.push("optioErrorsAbi");

  const docs = await errorDocs();
  const entries = sorted.map((e) => {
    const message = docs.get(e.name!) ?? humanize(e.name!);
    return `  ${e.name}: ${JSON.stringify(message)},`;
  });
  const classes = sorted.map(
    (e) =>
      `/** ${(docs.get(e.name!) ?? humanize(e.name!)).replace(/\*\//g, "* /")} */\nexport class ${e.name}Error extends OptioContractError<"${e.name}"> {\n  override name = "${e.name}Error" as const;\n}`,
  );
  files.set(
    "../errors/generated.ts",
    `${HEADER}// One class per custom error in \`optioErrorsAbi\`; messages are the first sentence of each error's NatSpec.\n\n` +
      `import { OptioContractError } from "./base.js";\nimport type { OptioErrorName } from "./base.js";\n\n` +
      `/** The human message of every error, from its NatSpec. */\nexport const optioErrorMessages = {\n${entries.join("\n")}\n} as const satisfies Record<OptioErrorName, string>;\n\n` +
      `${classes.join("\n\n")}\n\n` +
      `/** Error name → its class. */\nexport const optioErrorClasses = {\n${sorted.map((e) => `  ${e.name}: ${e.name}Error,`).join("\n")}\n} as const;\n`,
  );

  const index = [...files.keys()]
    .filter((file) => !file.startsWith(".."))
    .sort()
    .map((file) => {
      const exportName = file === "errors.ts" ? "optioErrorsAbi" : `${file.replace(/\.ts$/, "")}Abi`;
      return `export { ${exportName} } from "./${file.replace(/\.ts$/, ".js")}";\n`;
    })
    .join("");
  files.set("index.ts", `${HEADER}\n${index}`);

  const config = (await prettier.resolveConfig(path.join(OUT, "index.ts"))) ?? {};
  for (const [file, text] of files) {
    files.set(file, await prettier.format(text, { ...config, filepath: path.join(OUT, file) }));
  }
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const files = await render();
  const stale: string[] = [];
  for (const [file, text] of files) {
    const target = path.join(OUT, file);
    const current = await readFile(target, "utf8").catch(() => "");
    if (current === text) continue;
    if (check) stale.push(file);
    else await writeFile(target, text);
  }
  const extra = (await readdir(OUT)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !files.has(f));
  if (check && (stale.length > 0 || extra.length > 0)) {
    console.error(
      `sdk/src/abis is stale (${[...stale, ...extra.map((f) => `${f} (not generated)`)].join(", ")}): run \`npm run abis\` and commit`,
    );
    process.exit(1);
  }
  if (!check) console.log(`wrote ${files.size} modules to sdk/src/abis`);
}

await main();
