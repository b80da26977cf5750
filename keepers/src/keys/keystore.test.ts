import { expect } from "chai";
import { encryptKeystoreJsonSync } from "ethers";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAddress } from "viem/accounts";
import { DEV_KEY_0, DEV_KEY_1 } from "../testing/nodes.js";
import { decryptKeystore, encryptKeystore, KeystoreError } from "./keystore.js";
import { loadSigner, SignerError } from "./signer.js";

const signerConfig = (keystorePath?: string) => ({
  privateKeyEnv: "TEST_KEEPER_KEY",
  passwordEnv: "TEST_KEEPER_PASSWORD",
  keystorePath,
});

describe("keystore (Web3 Secret Storage v3)", function () {
  this.timeout(60_000);

  it("decrypts a keystore written by another implementation (ethers, scrypt)", () => {
    const address = privateKeyToAddress(DEV_KEY_1);
    const json = encryptKeystoreJsonSync({ address, privateKey: DEV_KEY_1 }, "correct horse", {
      scrypt: { N: 1 << 12 },
    });
    expect(decryptKeystore(json, "correct horse")).to.equal(DEV_KEY_1);
  });

  it("round-trips its own keystores and refuses a wrong password", () => {
    const ks = encryptKeystore(DEV_KEY_0, "pw", { n: 1 << 12 });
    expect(ks.address).to.equal(privateKeyToAddress(DEV_KEY_0).slice(2).toLowerCase());
    expect(decryptKeystore(JSON.stringify(ks), "pw")).to.equal(DEV_KEY_0);
    expect(() => decryptKeystore(ks, "wrong")).to.throw(KeystoreError, /wrong password/);
  });

  it("refuses a tampered ciphertext and a keystore whose address does not match its key", () => {
    const ks = encryptKeystore(DEV_KEY_0, "pw", { n: 1 << 12 });
    const flipped = (ks.crypto.ciphertext[0] === "0" ? "1" : "0") + ks.crypto.ciphertext.slice(1);
    expect(() => decryptKeystore({ ...ks, crypto: { ...ks.crypto, ciphertext: flipped } }, "pw")).to.throw(/MAC/);
    const other = privateKeyToAddress(DEV_KEY_1).slice(2).toLowerCase();
    expect(() => decryptKeystore({ ...ks, address: other }, "pw")).to.throw(/does not match/);
    expect(() => decryptKeystore({ ...ks, crypto: { ...ks.crypto, kdf: "bcrypt" } }, "pw")).to.throw(/unsupported kdf/);
  });

  describe("loadSigner", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "keeper-ks-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("prefers the environment key and removes it from the environment", () => {
      const env: NodeJS.ProcessEnv = { TEST_KEEPER_KEY: DEV_KEY_1.slice(2) };
      expect(loadSigner(signerConfig(), env)!.address).to.equal(privateKeyToAddress(DEV_KEY_1));
      expect(env.TEST_KEEPER_KEY).to.equal(undefined);
    });

    it("loads a keystore with the password from the environment", () => {
      const path = join(dir, "ks.json");
      writeFileSync(path, JSON.stringify(encryptKeystore(DEV_KEY_0, "s3cret", { n: 1 << 12 })));
      const env: NodeJS.ProcessEnv = { TEST_KEEPER_PASSWORD: "s3cret" };
      expect(loadSigner(signerConfig(path), env)!.address).to.equal(privateKeyToAddress(DEV_KEY_0));
      expect(env.TEST_KEEPER_PASSWORD).to.equal(undefined);
      expect(() => loadSigner(signerConfig(path), {})).to.throw(
        SignerError,
        /needs its password in TEST_KEEPER_PASSWORD/,
      );
      expect(() => loadSigner(signerConfig(path), { TEST_KEEPER_PASSWORD: "nope" })).to.throw(
        SignerError,
        /wrong password/,
      );
    });

    it("names the variable, never the value, when the key is malformed", () => {
      const bad = "0x1234not-a-key";
      expect(() => loadSigner(signerConfig(), { TEST_KEEPER_KEY: bad }))
        .to.throw(SignerError, "signer: TEST_KEEPER_KEY is not a 32-byte hex private key")
        .with.property("message")
        .that.does.not.contain(bad);
    });

    it("returns no signer when neither source is configured", () => {
      expect(loadSigner(signerConfig(), {})).to.equal(undefined);
    });
  });
});
