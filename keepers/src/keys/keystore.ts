import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { bytesToHex, hexToBytes, keccak256, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";

/**
 * Web3 Secret Storage (version 3) keystores, as geth, ethers and clef write them: a key derived from the
 * password (scrypt or pbkdf2-hmac-sha256), AES-128-CTR over the private key, and a keccak256 MAC over the second
 * half of the derived key and the ciphertext. Implemented on node:crypto so no wallet library is needed.
 */
export interface KeystoreV3 {
  version: 3;
  id?: string;
  address?: string;
  crypto: {
    cipher: string;
    ciphertext: string;
    cipherparams: { iv: string };
    kdf: string;
    kdfparams: Record<string, unknown>;
    mac: string;
  };
}

export class KeystoreError extends Error {}

// scrypt memory is 128 * N * r bytes; allow what geth's "standard" parameters need (N = 2^18, r = 8: 256 MiB).
const SCRYPT_MAX_MEM = 300 * 1024 * 1024;

/** Decrypts a v3 keystore (JSON text or parsed) with `password`; returns the private key. */
export function decryptKeystore(json: string | KeystoreV3, password: string): Hex {
  let ks: KeystoreV3;
  try {
    ks = typeof json === "string" ? (JSON.parse(json) as KeystoreV3) : json;
  } catch {
    throw new KeystoreError("keystore: not valid JSON");
  }
  // Some writers capitalise the section name.
  const c = ks?.crypto ?? (ks as unknown as { Crypto?: KeystoreV3["crypto"] })?.Crypto;
  if (ks?.version !== 3 || c === undefined) throw new KeystoreError("keystore: not a version 3 keystore");
  if (c.cipher !== "aes-128-ctr") throw new KeystoreError(`keystore: unsupported cipher ${c.cipher}`);
  const derived = deriveKey(c.kdf, c.kdfparams, password);
  const ciphertext = hex(c.ciphertext, "ciphertext");
  const mac = hexToBytes(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])));
  const expected = hex(c.mac, "mac");
  if (expected.length !== mac.length || !timingSafeEqual(mac, expected))
    throw new KeystoreError("keystore: wrong password (MAC mismatch)");
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), hex(c.cipherparams.iv, "iv"));
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) throw new KeystoreError("keystore: decrypted key is not 32 bytes");
  const privateKey = bytesToHex(key);
  if (ks.address !== undefined && ks.address !== "") {
    const address = privateKeyToAddress(privateKey).slice(2).toLowerCase();
    if (ks.address.replace(/^0x/, "").toLowerCase() !== address)
      throw new KeystoreError("keystore: the decrypted key does not match the keystore's address");
  }
  return privateKey;
}

/**
 * Encrypts `privateKey` into a v3 keystore (scrypt). The default cost (N = 2^14) is for tests and tooling;
 * operators should produce keystores with their wallet of choice (geth, cast, clef) at full cost.
 */
export function encryptKeystore(privateKey: Hex, password: string, options: { n?: number } = {}): KeystoreV3 {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const kdfparams = { dklen: 32, n: options.n ?? 1 << 14, r: 8, p: 1, salt: salt.toString("hex") };
  const derived = deriveKey("scrypt", kdfparams, password);
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(hexToBytes(privateKey)), cipher.final()]);
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext]));
  return {
    version: 3,
    id: crypto.randomUUID(),
    address: privateKeyToAddress(privateKey).slice(2).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      ciphertext: ciphertext.toString("hex"),
      cipherparams: { iv: iv.toString("hex") },
      kdf: "scrypt",
      kdfparams,
      mac: mac.slice(2),
    },
  };
}

function deriveKey(kdf: string, params: Record<string, unknown>, password: string): Buffer {
  const pw = Buffer.from(password.normalize("NFKC"), "utf8");
  const salt = hex(params.salt, "salt");
  const dklen = num(params.dklen, "dklen");
  if (dklen < 32) throw new KeystoreError("keystore: dklen must be at least 32");
  if (kdf === "scrypt") {
    const N = num(params.n, "n");
    const r = num(params.r, "r");
    const p = num(params.p, "p");
    return scryptSync(pw, salt, dklen, { N, r, p, maxmem: SCRYPT_MAX_MEM });
  }
  if (kdf === "pbkdf2") {
    if (params.prf !== "hmac-sha256") throw new KeystoreError(`keystore: unsupported pbkdf2 prf ${String(params.prf)}`);
    return pbkdf2Sync(pw, salt, num(params.c, "c"), dklen, "sha256");
  }
  throw new KeystoreError(`keystore: unsupported kdf ${kdf}`);
}

function hex(value: unknown, field: string): Buffer {
  if (typeof value !== "string" || !/^(0x)?([0-9a-fA-F]{2})*$/.test(value))
    throw new KeystoreError(`keystore: ${field} is not hex`);
  return Buffer.from(value.replace(/^0x/, ""), "hex");
}

function num(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0)
    throw new KeystoreError(`keystore: kdfparams.${field} is not a positive integer`);
  return value;
}
