import { readFileSync } from "node:fs";
import type { Hex, LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { KeeperConfig } from "../config/schema.js";
import { decryptKeystore, KeystoreError } from "./keystore.js";

/** A key that could not be loaded; the message never contains key material. */
export class SignerError extends Error {}

/**
 * Loads the keeper's account: from the environment variable `signer.privateKeyEnv` when set, else from the
 * keystore at `signer.keystorePath` with the password in `signer.passwordEnv`, else none (read-only roles).
 * Both variables are removed from `env` once read, so child processes never inherit them.
 */
export function loadSigner(
  config: KeeperConfig["signer"],
  env: NodeJS.ProcessEnv = process.env,
): LocalAccount | undefined {
  const fromEnv = env[config.privateKeyEnv];
  if (fromEnv !== undefined && fromEnv !== "") {
    delete env[config.privateKeyEnv];
    const key = fromEnv.trim().startsWith("0x") ? fromEnv.trim() : `0x${fromEnv.trim()}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(key))
      throw new SignerError(`signer: ${config.privateKeyEnv} is not a 32-byte hex private key`);
    return privateKeyToAccount(key as Hex);
  }
  if (config.keystorePath === undefined) return undefined;
  const password = env[config.passwordEnv];
  delete env[config.passwordEnv];
  if (password === undefined)
    throw new SignerError(`signer: keystore ${config.keystorePath} needs its password in ${config.passwordEnv}`);
  let json: string;
  try {
    json = readFileSync(config.keystorePath, "utf8");
  } catch (error) {
    throw new SignerError(
      `signer: cannot read keystore ${config.keystorePath}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    return privateKeyToAccount(decryptKeystore(json, password));
  } catch (error) {
    if (error instanceof KeystoreError) throw new SignerError(`signer: ${config.keystorePath}: ${error.message}`);
    throw error;
  }
}
