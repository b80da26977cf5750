import path from "node:path";
import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatIgnitionEthers from "@nomicfoundation/hardhat-ignition-ethers";

// Hardhat cannot download solc here: compile with the pinned npm `solc` package as a WASM compiler.
// Its path must be absolute, and SOLC_VERSION must equal the package version (Hardhat does not check).
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const solcPackageDir = path.dirname(require.resolve("solc/package.json"));
const solcPackageVersion: string = require("solc/package.json").version;
if (solcPackageVersion !== SOLC_VERSION) {
  throw new Error(`solc package is ${solcPackageVersion}, hardhat.config.ts expects ${SOLC_VERSION}`);
}

export default defineConfig({
  plugins: [hardhatEthers, hardhatEthersChaiMatchers, hardhatMocha, hardhatNetworkHelpers, hardhatIgnitionEthers],
  solidity: {
    version: SOLC_VERSION,
    path: path.join(solcPackageDir, "soljson.js"),
    // Chainlink's own mock aggregator, for tests and the local deployment (never the production modules).
    npmFilesToBuild: [
      "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol",
      "@openzeppelin/contracts/governance/TimelockController.sol",
    ],
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  paths: {
    sources: "contracts",
    tests: { solidity: "test", mocha: "test" },
    ignition: "deploy",
  },
  test: {
    solidity: {
      profiles: {
        // Fast, deterministic run used by `make test` (a fixed seed keeps gas snapshots of fuzz tests stable).
        default: {
          fuzz: { runs: 256, seed: "0x0b7105" },
          invariant: { runs: 32, depth: 32, failOnRevert: false },
        },
        // The longer campaign run by `make fuzz`.
        campaign: {
          fuzz: { runs: 20_000 },
          invariant: { runs: 512, depth: 128, failOnRevert: false },
        },
      },
    },
    mocha: { timeout: 120_000 },
  },
  networks: {
    // The demo starts its own node on a free loopback port and passes the URL through OPTIO_RPC_URL.
    localhost: { type: "http", url: process.env.OPTIO_RPC_URL ?? "http://127.0.0.1:8545" },
  },
});
