import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";

interface Health {
  status: string;
  version: string;
  timestamp: string;
  services: Record<string, string>;
}

describe("GET /health", () => {
  it("answers without authentication in the seed's shape", async () => {
    const res = await api<Health>("/health");
    expect(res.status).toBe(200);
    expect(res.body.version).toBe("0.1.0");
    expect(res.body.services.database).toBe("connected");
    expect(Object.keys(res.body.services).sort()).toEqual(
      ["apollo", "database", "halopsa", "hunter", "zoominfo"].sort(),
    );
  });
});
