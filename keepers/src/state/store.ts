import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "./sqlite.js";

/** A block the tracker has accepted, kept while it is inside the unfinalised window. */
export interface StoredBlock {
  number: bigint;
  hash: `0x${string}`;
  parentHash: `0x${string}`;
}

export type TxStatus = "pending" | "mined" | "reverted" | "dropped";

/** One signed broadcast of a transaction intent; replacements add attempts with the same nonce. */
export interface TxAttempt {
  hash: `0x${string}`;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  raw: `0x${string}`;
  sentAtBlock: bigint;
}

/** One transaction intent (one nonce of one account) and every attempt made to land it. */
export interface StoredTx {
  id: number;
  account: `0x${string}`;
  nonce: number;
  label: string;
  to: `0x${string}` | null;
  data: `0x${string}`;
  value: bigint;
  gas: bigint;
  status: TxStatus;
  attempts: TxAttempt[];
  minedHash: `0x${string}` | null;
  minedBlock: bigint | null;
  gasUsed: bigint | null;
  effectiveGasPrice: bigint | null;
}

const SCHEMA_VERSION = "1";

/**
 * The keeper's embedded database (node:sqlite): checkpoints, the block hashes of the unfinalised window, a
 * per-role key/value journal that can be unwound after a reorg, and every transaction the keeper signed.
 * Every write is synchronous and committed before the call returns, so a crash never loses an acknowledged write.
 */
export class Store {
  readonly db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Opens (creating when absent) the database at `path`; ":memory:" gives a throw-away store. */
  static open(path: string, options: { readOnly?: boolean } = {}): Store {
    if (path !== ":memory:" && !options.readOnly) mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
    const store = new Store(db);
    if (!options.readOnly) store.migrate();
    return store;
  }

  private migrate(): void {
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS checkpoints (
        scope TEXT PRIMARY KEY, block INTEGER NOT NULL, hash TEXT NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, parent_hash TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS kv (
        role TEXT NOT NULL, key TEXT NOT NULL, block INTEGER NOT NULL, value TEXT,
        PRIMARY KEY (role, key, block));
      CREATE TABLE IF NOT EXISTS txs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, nonce INTEGER NOT NULL, label TEXT NOT NULL,
        to_addr TEXT, data TEXT NOT NULL, value TEXT NOT NULL, gas TEXT NOT NULL, status TEXT NOT NULL,
        mined_hash TEXT, mined_block INTEGER, gas_used TEXT, effective_gas_price TEXT,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS txs_one_live_per_nonce ON txs (account, nonce) WHERE status = 'pending';
      CREATE TABLE IF NOT EXISTS tx_attempts (
        hash TEXT PRIMARY KEY, tx_id INTEGER NOT NULL REFERENCES txs(id), max_fee TEXT NOT NULL,
        max_priority_fee TEXT NOT NULL, raw TEXT NOT NULL, sent_at_block INTEGER NOT NULL);
    `);
    const version = this.getMeta("schemaVersion");
    if (version === undefined) this.setMeta("schemaVersion", SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION)
      throw new Error(`store: schema version ${version} is not ${SCHEMA_VERSION}; use a new store path`);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Runs `fn` in one transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?")
      .run(key, value, value);
  }

  /**
   * Binds the store to one chain: the first call records the chain id, later calls with another id throw, so a
   * store written against one network is never resumed against another.
   */
  bindChain(chainId: number): void {
    const stored = this.getMeta("chainId");
    if (stored === undefined) this.setMeta("chainId", String(chainId));
    else if (stored !== String(chainId))
      throw new Error(`store: this database belongs to chain ${stored}, not ${chainId}; use another store.path`);
  }

  // ---- checkpoints ----

  getCheckpoint(scope: string): { block: bigint; hash: `0x${string}` } | undefined {
    const row = this.db.prepare("SELECT block, hash FROM checkpoints WHERE scope = ?").get(scope) as
      | { block: number; hash: string }
      | undefined;
    return row && { block: BigInt(row.block), hash: row.hash as `0x${string}` };
  }

  setCheckpoint(scope: string, block: bigint, hash: `0x${string}`): void {
    this.db
      .prepare(
        `INSERT INTO checkpoints (scope, block, hash, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(scope) DO UPDATE SET block = excluded.block, hash = excluded.hash, updated_at = excluded.updated_at`,
      )
      .run(scope, Number(block), hash, Date.now());
  }

  listCheckpoints(): { scope: string; block: bigint; hash: string; updatedAt: number }[] {
    const rows = this.db.prepare("SELECT scope, block, hash, updated_at FROM checkpoints ORDER BY scope").all() as {
      scope: string;
      block: number;
      hash: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({ scope: r.scope, block: BigInt(r.block), hash: r.hash, updatedAt: r.updated_at }));
  }

  // ---- blocks of the unfinalised window ----

  putBlock(block: StoredBlock): void {
    this.db
      .prepare(
        `INSERT INTO blocks (number, hash, parent_hash) VALUES (?, ?, ?)
         ON CONFLICT(number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash`,
      )
      .run(Number(block.number), block.hash, block.parentHash);
  }

  getBlock(number: bigint): StoredBlock | undefined {
    const row = this.db.prepare("SELECT number, hash, parent_hash FROM blocks WHERE number = ?").get(Number(number)) as
      | { number: number; hash: string; parent_hash: string }
      | undefined;
    return row && toBlock(row);
  }

  latestBlock(): StoredBlock | undefined {
    const row = this.db.prepare("SELECT number, hash, parent_hash FROM blocks ORDER BY number DESC LIMIT 1").get() as
      | { number: number; hash: string; parent_hash: string }
      | undefined;
    return row && toBlock(row);
  }

  oldestBlock(): StoredBlock | undefined {
    const row = this.db.prepare("SELECT number, hash, parent_hash FROM blocks ORDER BY number ASC LIMIT 1").get() as
      | { number: number; hash: string; parent_hash: string }
      | undefined;
    return row && toBlock(row);
  }

  /** Forgets blocks above `number` (a reorg unwound them). */
  deleteBlocksAfter(number: bigint): void {
    this.db.prepare("DELETE FROM blocks WHERE number > ?").run(Number(number));
  }

  /** Forgets blocks below `number` (they are final). */
  pruneBlocksBefore(number: bigint): void {
    this.db.prepare("DELETE FROM blocks WHERE number < ?").run(Number(number));
  }

  // ---- per-role key/value journal ----

  /**
   * Records `value` for `key` as of `block`. Older versions stay until they are final, so a reorg can unwind to
   * the value that held at the common ancestor. `undefined` records a deletion.
   */
  kvPut(role: string, key: string, value: unknown, block: bigint): void {
    const json = value === undefined ? null : JSON.stringify(value, bigintReplacer);
    this.db
      .prepare(
        `INSERT INTO kv (role, key, block, value) VALUES (?, ?, ?, ?)
         ON CONFLICT(role, key, block) DO UPDATE SET value = excluded.value`,
      )
      .run(role, key, Number(block), json);
  }

  /** The latest value of `key`, or undefined when never set or deleted. */
  kvGet<T = unknown>(role: string, key: string): T | undefined {
    const row = this.db
      .prepare("SELECT value FROM kv WHERE role = ? AND key = ? ORDER BY block DESC LIMIT 1")
      .get(role, key) as { value: string | null } | undefined;
    return row?.value == null ? undefined : (JSON.parse(row.value) as T);
  }

  /** Every live key of a role with its latest value, keys in ascending order. */
  kvEntries<T = unknown>(role: string): [string, T][] {
    const rows = this.db
      .prepare(
        `SELECT k.key, k.value FROM kv k
         WHERE k.role = ? AND k.block = (SELECT MAX(block) FROM kv WHERE role = k.role AND key = k.key)
         ORDER BY k.key`,
      )
      .all(role) as { key: string; value: string | null }[];
    return rows.filter((r) => r.value !== null).map((r) => [r.key, JSON.parse(r.value as string) as T]);
  }

  /** Drops every version written after `block`, for every role (the reorg's common ancestor). */
  kvUnwindAfter(block: bigint): number {
    return Number(this.db.prepare("DELETE FROM kv WHERE block > ?").run(Number(block)).changes);
  }

  /** Drops versions that a later version at or below the final block `block` superseded. */
  kvCompact(block: bigint): void {
    this.db
      .prepare(
        `DELETE FROM kv WHERE block < (
           SELECT MAX(k2.block) FROM kv k2
           WHERE k2.role = kv.role AND k2.key = kv.key AND k2.block <= ?)`,
      )
      .run(Number(block));
    this.db.prepare("DELETE FROM kv WHERE value IS NULL AND block <= ?").run(Number(block));
  }

  // ---- transactions ----

  /**
   * Records a new intent with its first signed attempt, before anything is broadcast (write-ahead: after a crash
   * the same signed bytes are re-sent, never a second transaction). Throws when the account already has a live
   * transaction with this nonce.
   */
  insertTx(
    tx: Omit<StoredTx, "id" | "status" | "attempts" | "minedHash" | "minedBlock" | "gasUsed" | "effectiveGasPrice">,
    attempt: TxAttempt,
  ): number {
    return this.transaction(() => {
      const now = Date.now();
      const result = this.db
        .prepare(
          `INSERT INTO txs (account, nonce, label, to_addr, data, value, gas, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(
          tx.account.toLowerCase(),
          tx.nonce,
          tx.label,
          tx.to,
          tx.data,
          tx.value.toString(),
          tx.gas.toString(),
          now,
          now,
        );
      const id = Number(result.lastInsertRowid);
      this.insertAttempt(id, attempt);
      return id;
    });
  }

  addAttempt(txId: number, attempt: TxAttempt): void {
    this.transaction(() => {
      this.insertAttempt(txId, attempt);
      this.db.prepare("UPDATE txs SET updated_at = ? WHERE id = ?").run(Date.now(), txId);
    });
  }

  private insertAttempt(txId: number, a: TxAttempt): void {
    this.db
      .prepare(
        `INSERT INTO tx_attempts (hash, tx_id, max_fee, max_priority_fee, raw, sent_at_block) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(hash) DO NOTHING`,
      )
      .run(a.hash, txId, a.maxFeePerGas.toString(), a.maxPriorityFeePerGas.toString(), a.raw, Number(a.sentAtBlock));
  }

  finishTx(
    txId: number,
    outcome: {
      status: Exclude<TxStatus, "pending">;
      minedHash?: `0x${string}`;
      minedBlock?: bigint;
      gasUsed?: bigint;
      effectiveGasPrice?: bigint;
    },
  ): void {
    this.db
      .prepare(
        `UPDATE txs SET status = ?, mined_hash = ?, mined_block = ?, gas_used = ?, effective_gas_price = ?,
         updated_at = ? WHERE id = ?`,
      )
      .run(
        outcome.status,
        outcome.minedHash ?? null,
        outcome.minedBlock === undefined ? null : Number(outcome.minedBlock),
        outcome.gasUsed?.toString() ?? null,
        outcome.effectiveGasPrice?.toString() ?? null,
        Date.now(),
        txId,
      );
  }

  /** Re-opens a transaction a reorg took out of the chain. */
  reopenTx(txId: number): void {
    this.db
      .prepare(
        `UPDATE txs SET status = 'pending', mined_hash = NULL, mined_block = NULL, gas_used = NULL,
         effective_gas_price = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(Date.now(), txId);
  }

  getTx(id: number): StoredTx | undefined {
    const row = this.db.prepare("SELECT * FROM txs WHERE id = ?").get(id) as TxRow | undefined;
    return row && this.toTx(row);
  }

  pendingTxs(account: `0x${string}`): StoredTx[] {
    const rows = this.db
      .prepare("SELECT * FROM txs WHERE account = ? AND status = 'pending' ORDER BY nonce")
      .all(account.toLowerCase()) as unknown as TxRow[];
    return rows.map((r) => this.toTx(r));
  }

  /** Transactions recorded as mined at a block above `block` (a reorg may have removed them). */
  txsMinedAfter(block: bigint): StoredTx[] {
    const rows = this.db
      .prepare("SELECT * FROM txs WHERE status IN ('mined', 'reverted') AND mined_block > ? ORDER BY nonce")
      .all(Number(block)) as unknown as TxRow[];
    return rows.map((r) => this.toTx(r));
  }

  /** The highest nonce this account ever signed, or undefined. */
  maxNonce(account: `0x${string}`): number | undefined {
    const row = this.db.prepare("SELECT MAX(nonce) AS n FROM txs WHERE account = ?").get(account.toLowerCase()) as {
      n: number | null;
    };
    return row.n ?? undefined;
  }

  txCounts(): Record<TxStatus, number> {
    const counts: Record<TxStatus, number> = { pending: 0, mined: 0, reverted: 0, dropped: 0 };
    const rows = this.db.prepare("SELECT status, COUNT(*) AS n FROM txs GROUP BY status").all() as {
      status: TxStatus;
      n: number;
    }[];
    for (const r of rows) counts[r.status] = r.n;
    return counts;
  }

  private toTx(row: TxRow): StoredTx {
    const attempts = this.db
      .prepare("SELECT * FROM tx_attempts WHERE tx_id = ? ORDER BY rowid")
      .all(row.id) as unknown as AttemptRow[];
    return {
      id: row.id,
      account: row.account as `0x${string}`,
      nonce: row.nonce,
      label: row.label,
      to: row.to_addr as `0x${string}` | null,
      data: row.data as `0x${string}`,
      value: BigInt(row.value),
      gas: BigInt(row.gas),
      status: row.status,
      attempts: attempts.map((a) => ({
        hash: a.hash as `0x${string}`,
        maxFeePerGas: BigInt(a.max_fee),
        maxPriorityFeePerGas: BigInt(a.max_priority_fee),
        raw: a.raw as `0x${string}`,
        sentAtBlock: BigInt(a.sent_at_block),
      })),
      minedHash: row.mined_hash as `0x${string}` | null,
      minedBlock: row.mined_block === null ? null : BigInt(row.mined_block),
      gasUsed: row.gas_used === null ? null : BigInt(row.gas_used),
      effectiveGasPrice: row.effective_gas_price === null ? null : BigInt(row.effective_gas_price),
    };
  }
}

interface TxRow {
  id: number;
  account: string;
  nonce: number;
  label: string;
  to_addr: string | null;
  data: string;
  value: string;
  gas: string;
  status: TxStatus;
  mined_hash: string | null;
  mined_block: number | null;
  gas_used: string | null;
  effective_gas_price: string | null;
}

interface AttemptRow {
  hash: string;
  tx_id: number;
  max_fee: string;
  max_priority_fee: string;
  raw: string;
  sent_at_block: number;
}

function toBlock(row: { number: number; hash: string; parent_hash: string }): StoredBlock {
  return { number: BigInt(row.number), hash: row.hash as `0x${string}`, parentHash: row.parent_hash as `0x${string}` };
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
