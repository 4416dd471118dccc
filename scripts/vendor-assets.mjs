#!/usr/bin/env node
// Run by `npm install` (the `prepare` script): copies the browser bundles the Worker serves as
// static assets from node_modules into public/vendor/ (git-ignored), so no page loads anything
// from a CDN at run time. The Scalar API reference (`@scalar/api-reference`'s self-contained
// standalone build) backs /api/v1/docs.
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = new URL("..", import.meta.url).pathname;
/** The directory of a package's main module (`dist/` for Scalar, whose exports hide the rest). */
const mainDir = (name) => path.dirname(fileURLToPath(import.meta.resolve(name)));

const BUNDLES = [
  {
    from: path.join(mainDir("@scalar/api-reference"), "browser/standalone.js"),
    to: "public/vendor/scalar/standalone.js",
  },
];

for (const { from, to } of BUNDLES) {
  mkdirSync(path.dirname(path.join(ROOT, to)), { recursive: true });
  copyFileSync(from, path.join(ROOT, to));
}
