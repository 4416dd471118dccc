/**
 * Writes the OpenAPI document the service serves to a file, for `npm run lint:openapi`
 * (`redocly lint`, part of `npm test`). The app generates it, so the lint sees exactly what
 * `/api/v1/openapi.json` answers. Usage: `tsx scripts/openapi.ts <out.json>`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createApp } from "../src/app";

const out = process.argv[2];
if (!out) throw new Error("usage: tsx scripts/openapi.ts <out.json>");
const res = await createApp().request("/api/v1/openapi.json");
if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(await res.json(), null, 2));
