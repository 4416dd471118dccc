#!/usr/bin/env node
// The CLI lives in dist/ (npm run sdk:build, which `npm install` runs); this shim only starts it.
import("../dist/esm/cli/main.js").then(
  (cli) => cli.run(process.argv.slice(2)).then((code) => process.exit(code)),
  (err) => {
    console.error(`leadbridge: cannot load the CLI (${err.message}); run npm run sdk:build`);
    process.exit(70);
  },
);
