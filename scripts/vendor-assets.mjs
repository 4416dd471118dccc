#!/usr/bin/env node
// Run by `npm install` (the `prepare` script): copies the browser bundles the Worker serves as
// static assets from node_modules into public/vendor/ (git-ignored), so no page loads anything
// from a CDN at run time. The Scalar API reference (`@scalar/api-reference`'s self-contained
// standalone build) backs /api/v1/docs.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const BUNDLES = [
  {
    from: "node_modules/@scalar/api-reference/dist/browser/standalone.js",
    to: "public/vendor/scalar/standalone.js",
  },
];

for (const { from, to } of BUNDLES) {
  const source = path.join(ROOT, from);
  if (!existsSync(source)) {
    console.error(`vendor-assets: ${from} is missing; run npm install`);
    process.exit(1);
  }
  mkdirSync(path.dirname(path.join(ROOT, to)), { recursive: true });
  copyFileSync(source, path.join(ROOT, to));
}
