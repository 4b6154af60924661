#!/usr/bin/env node
// Export the backend's OpenAPI schema into frontend/openapi.json.
//
// Pipeline: `npm run export:schema` (this script) -> `npm run gen:api`
// (openapi-typescript -> src/api/schema.d.ts). `npm run sync:api` does both.
// The backend command is `python -m gpt_image_2.web.openapi <out-file>`, run
// through `uv run` from the repository root when uv is available.
import { spawnSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(frontendDir, "..");
const outFile = resolve(frontendDir, "openapi.json");

function run(cmd, args) {
  return spawnSync(cmd, args, { cwd: repoRoot, stdio: "inherit" });
}

const moduleArgs = ["-m", "gpt_image_2.web.openapi", outFile];
let result = run("uv", ["run", "--frozen", "python", ...moduleArgs]);
if (result.error && result.error.code === "ENOENT") {
  console.warn("uv not found; trying python3 on PATH");
  result = run("python3", moduleArgs);
}
if (result.error || result.status !== 0) {
  console.error("Schema export failed.");
  process.exit(result.status ?? 1);
}
console.log(`Wrote ${outFile}`);
