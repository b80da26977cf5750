import { type Address, BaseError, getAddress, isAddress } from "viem";

/** The contracts every Optio deployment has, by the name the SDK uses for them. */
export const DEPLOYMENT_CONTRACTS = [
  "vault",
  "registry",
  "riskController",
  "quorumFeed",
  "pauseGuard",
  "timelock",
  "book",
  "margin",
  "exchange",
  "settlement",
  "insuranceFund",
  "liquidationEngine",
  "automation",
] as const;

export type DeploymentContractName = (typeof DEPLOYMENT_CONTRACTS)[number];

/** Where one Optio deployment lives: its chain, the block it was deployed from, and every contract's address. */
export type Deployment = {
  chainId: number;
  /** The first block of the deployment (where event scans start). */
  blockNumber: bigint;
  contracts: Record<DeploymentContractName, Address>;
  /** Further named addresses of the deployment (e.g. mock tokens and oracles of a local one). */
  extra: Record<string, Address>;
};

/** The JSON form of a `Deployment` (the block number as a number or a decimal string). */
export type DeploymentJson = {
  chainId: number;
  blockNumber: number | string;
  contracts: Record<DeploymentContractName, string>;
  extra?: Record<string, string>;
};

export type InvalidDeploymentErrorType = InvalidDeploymentError;

/** The deployment file is malformed; `problems` lists what is wrong. */
export class InvalidDeploymentError extends BaseError {
  override name = "InvalidDeploymentError";
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super("Invalid Optio deployment.", { metaMessages: problems });
    this.problems = problems;
  }
}

/**
 * Validates a deployment read from JSON: one `DeploymentJson`, or a registry of them keyed by chain id (then
 * `chainId` picks one). Addresses are checksummed; anything missing or malformed throws `InvalidDeploymentError`.
 */
export function loadDeployment(json: unknown, chainId?: number): Deployment {
  let input = json;
  if (isObject(json) && !("contracts" in json)) {
    if (chainId === undefined) throw new InvalidDeploymentError(["a registry of deployments needs a chain id"]);
    input = json[String(chainId)];
    if (input === undefined) throw new InvalidDeploymentError([`no deployment for chain ${chainId}`]);
  }
  const problems: string[] = [];
  if (!isObject(input)) throw new InvalidDeploymentError(["not an object"]);
  const id = input.chainId;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) problems.push("chainId: not a positive integer");
  if (chainId !== undefined && id !== chainId) problems.push(`chainId: ${String(id)}, expected ${chainId}`);
  const block = input.blockNumber;
  let blockNumber = 0n;
  if (
    (typeof block === "number" && Number.isSafeInteger(block) && block >= 0) ||
    (typeof block === "string" && /^\d+$/.test(block))
  ) {
    blockNumber = BigInt(block);
  } else problems.push("blockNumber: not a non-negative integer");
  const contracts = {} as Record<DeploymentContractName, Address>;
  const raw = isObject(input.contracts) ? input.contracts : {};
  if (!isObject(input.contracts)) problems.push("contracts: missing");
  for (const name of DEPLOYMENT_CONTRACTS) {
    const a = raw[name];
    if (typeof a === "string" && isAddress(a, { strict: false })) contracts[name] = getAddress(a);
    else problems.push(`contracts.${name}: ${a === undefined ? "missing" : "not an address"}`);
  }
  const extra: Record<string, Address> = {};
  if (input.extra !== undefined) {
    if (!isObject(input.extra)) problems.push("extra: not an object");
    else
      for (const [name, a] of Object.entries(input.extra)) {
        if (typeof a === "string" && isAddress(a, { strict: false })) extra[name] = getAddress(a);
        else problems.push(`extra.${name}: not an address`);
      }
  }
  if (problems.length > 0) throw new InvalidDeploymentError(problems);
  return { chainId: id as number, blockNumber, contracts, extra };
}

/** The JSON form of `deployment`, as the deploy step writes it. */
export function serializeDeployment(deployment: Deployment): DeploymentJson {
  return { ...deployment, blockNumber: deployment.blockNumber.toString() };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
