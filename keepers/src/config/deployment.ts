import { readFileSync } from "node:fs";
import { InvalidDeploymentError, loadDeployment, type Deployment } from "@optio/sdk";
import { ConfigError } from "./load.js";

/**
 * Loads the deployment file the config names (`deployment`), for chain `chainId`, with the SDK's validation. Every
 * problem becomes one `config: deployment: …` line (a ConfigError, so the CLI exits 2).
 */
export function loadDeploymentFile(path: string | undefined, chainId: number): Deployment {
  if (path === undefined)
    throw new ConfigError([
      "config: deployment: required by the liquidator, settler and oracle (the file the deploy step writes)",
    ]);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([
      `config: deployment: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`config: deployment: ${path} is not valid JSON: ${(error as Error).message}`]);
  }
  try {
    return loadDeployment(json, chainId);
  } catch (error) {
    if (error instanceof InvalidDeploymentError)
      throw new ConfigError(error.problems.map((p) => `config: deployment: ${path}: ${p}`));
    throw error;
  }
}
