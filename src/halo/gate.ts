import { DurableObject } from "cloudflare:workers";
export class HaloGate extends DurableObject<Env> {}
