import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEEPERS_ROOT } from "../testing/nodes.js";
import { ConfigError, loadConfig } from "./load.js";

const BIN = join(KEEPERS_ROOT, "bin/optio-keeper.js");
const valid = { chainId: 31337, rpc: { urls: ["http://127.0.0.1:8545"] } };

function errorsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), "keeper-config-"));
  try {
    const path = join(dir, "config.json");
    writeFileSync(path, JSON.stringify(raw));
    loadConfig(path, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("config", function () {
  this.timeout(60_000);

  it("accepts a minimal file and fills every default", () => {
    expect(errorsOf(valid)).to.deep.equal([]);
    const dir = mkdtempSync(join(tmpdir(), "keeper-config-"));
    const path = join(dir, "c.json");
    writeFileSync(path, JSON.stringify(valid));
    const config = loadConfig(path, {});
    rmSync(dir, { recursive: true, force: true });
    expect(config.metrics).to.deep.equal({ enabled: true, host: "127.0.0.1", port: 9464, allowNonLoopback: false });
    expect(config.tx.bumpPercent).to.equal(15);
    expect(config.signer.privateKeyEnv).to.equal("OPTIO_KEEPER_PRIVATE_KEY");
  });

  it("reports each wrong field as one line naming it", () => {
    const cases: [unknown, string][] = [
      [{ ...valid, rpc: { urls: ["http://127.0.0.1:8545", "ws://x"] } }, "config: rpc.urls[1]: must be an http(s) URL"],
      [{ ...valid, rpc: { urls: [] } }, "config: rpc.urls: needs at least one URL"],
      [{ rpc: valid.rpc }, "config: chainId: is required"],
      [{ ...valid, chainId: "31337" }, "config: chainId: must be a number"],
      [{ ...valid, chainId: 1.5 }, "config: chainId: must be an integer"],
      [{ ...valid, tx: { bumpPercent: 5 } }, "config: tx.bumpPercent: must be >= 10"],
      [{ ...valid, metrics: { port: 70000 } }, "config: metrics.port: must be <= 65535"],
      [
        { ...valid, metrics: { host: "0.0.0.0" } },
        "config: metrics.host: must be a loopback address (127.0.0.1, ::1, localhost) unless metrics.allowNonLoopback is true",
      ],
      [
        { ...valid, log: { level: "loud" } },
        'config: log.level: must be one of "trace", "debug", "info", "warn", "error", "fatal"',
      ],
      [{ ...valid, privateKey: "0x00" }, "config: privateKey: unknown field"],
      [
        { ...valid, signer: { passwordEnv: "lower-case" } },
        "config: signer.passwordEnv: must be an environment variable name",
      ],
    ];
    for (const [raw, line] of cases) expect(errorsOf(raw), line).to.deep.equal([line]);
    expect(errorsOf({ ...valid, metrics: { host: "10.0.0.1", allowNonLoopback: true } })).to.deep.equal([]);
  });

  it("lists every problem at once, one per line", () => {
    expect(errorsOf({ chainId: 0, rpc: { urls: ["nope"], extra: 1 } })).to.deep.equal([
      "config: chainId: must be >= 1",
      "config: rpc.urls[0]: must be an http(s) URL",
      "config: rpc.extra: unknown field",
    ]);
  });

  it("applies environment overrides and names the variable when one is wrong", () => {
    expect(errorsOf(valid, { OPTIO_KEEPER_METRICS_PORT: "abc" })).to.deep.equal([
      "config: metrics.port (from OPTIO_KEEPER_METRICS_PORT): must be a number",
    ]);
    expect(errorsOf(valid, { OPTIO_KEEPER_RPC_URLS: "http://a:1, file:///etc" })).to.deep.equal([
      "config: rpc.urls[1] (from OPTIO_KEEPER_RPC_URLS): must be an http(s) URL",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "keeper-config-"));
    const path = join(dir, "c.json");
    writeFileSync(path, JSON.stringify(valid));
    const config = loadConfig(path, {
      OPTIO_KEEPER_RPC_URLS: "http://a:1,https://b",
      OPTIO_KEEPER_METRICS_PORT: "9999",
    });
    rmSync(dir, { recursive: true, force: true });
    expect(config.rpc.urls).to.deep.equal(["http://a:1", "https://b"]);
    expect(config.metrics.port).to.equal(9999);
  });

  describe("through the real CLI", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "keeper-cli-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("exits 2 with one readable line per wrong field", () => {
      const path = join(dir, "broken.json");
      writeFileSync(path, JSON.stringify({ chainId: 31337, rpc: { urls: ["http://127.0.0.1:8545", "localhost"] } }));
      const r = cli(["config", "check", "--config", path]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal("config: rpc.urls[1]: must be an http(s) URL\n");
      expect(r.stdout).to.equal("");
    });

    it("exits 2 on an unreadable or non-JSON file", () => {
      const missing = cli(["config", "check", "--config", join(dir, "absent.json")]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.match(/^config: cannot read .*absent\.json: ENOENT\n$/);
      const path = join(dir, "garbage.json");
      writeFileSync(path, "{ chainId: ");
      const garbage = cli(["config", "check", "--config", path]);
      expect(garbage.code).to.equal(2);
      expect(garbage.stderr).to.match(/^config: .*garbage\.json is not valid JSON/);
    });

    it("exits 0 with a summary on a good file, and shows --help on every command", () => {
      const path = join(dir, "good.json");
      writeFileSync(path, JSON.stringify(valid));
      const ok = cli(["config", "check", "--config", path]);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(/^config ok: chain 31337, 1 read endpoint, .* signer none,/);
      for (const args of [["--help"], ["run", "--help"], ["config", "check", "--help"], ["status", "--help"]]) {
        const r = cli(args);
        expect(r.code, args.join(" ")).to.equal(0);
        expect(r.stdout, args.join(" ")).to.match(/optio-keeper/);
      }
    });

    it("refuses a role it cannot run (the oracle without a deployment file), unknown roles and commands, with exit 2", () => {
      const path = join(dir, "good.json");
      writeFileSync(path, JSON.stringify(valid));
      const key = { OPTIO_KEEPER_PRIVATE_KEY: "0x" + "11".repeat(32) };
      const r = cli(["run", "--roles", "watch,oracle", "--config", path], key);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/^config: deployment: required by the liquidator, settler and oracle/);
      const unknown = cli(["run", "--roles", "oracel", "--config", path], key);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(/^run: unknown role "oracel"/);
      expect(cli(["frobnicate"]).code).to.equal(2);
      expect(cli(["run", "--config", path]).stderr).to.match(/--roles is required/);
    });
  });
});
