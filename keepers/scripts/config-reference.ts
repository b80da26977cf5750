// Regenerates the configuration reference in keepers/README.md from the zod schema.
// Usage: npm run config:reference -w @optio/keepers            (rewrite the README)
//        npm run config:reference -w @optio/keepers -- --check (exit 1 when the README is stale)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReadme } from "../src/config/reference.js";

const readmePath = join(dirname(fileURLToPath(import.meta.url)), "..", "README.md");
const current = readFileSync(readmePath, "utf8");
const next = await renderReadme(current, readmePath);
if (process.argv.includes("--check")) {
  if (next !== current) {
    console.error("keepers/README.md: the config reference is stale; run npm run config:reference -w @optio/keepers");
    process.exit(1);
  }
  console.log("keepers/README.md: config reference is current");
} else if (next !== current) {
  writeFileSync(readmePath, next);
  console.log("keepers/README.md: config reference updated");
} else {
  console.log("keepers/README.md: config reference already current");
}
