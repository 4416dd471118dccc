/**
 * Settings the configuration document no longer accepts. `halopsa.base_url` once let an admin
 * move HaloPSA — and with it the client secret and every bearer-authenticated request — to any
 * host; the host is now the deployment's `HALO_BASE_URL` (docs/architecture.md, HaloGate).
 * Versions stored before that still load: the field is dropped on read.
 */
export const RETIRED_SETTINGS = [
  {
    path: ["halopsa", "base_url"],
    message:
      "halopsa.base_url is fixed by the deployment (the HALO_BASE_URL variable) and cannot be " +
      "changed through the API; GET /config shows it under deployment.halopsa",
  },
] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first retired setting a PUT /config patch tries to set (null removes it: allowed). */
export function retiredSettingIn(patch: unknown): { field: string; message: string } | null {
  for (const setting of RETIRED_SETTINGS) {
    const [section, key] = setting.path;
    const parent = isObject(patch) ? patch[section] : undefined;
    if (isObject(parent) && key in parent && parent[key] !== null) {
      return { field: setting.path.join("."), message: setting.message };
    }
  }
  return null;
}

let warned = false;

/**
 * A stored document without retired settings (a copy; the input is not changed). Warns once per
 * isolate, naming the field only: an old base URL may hold userinfo and must not be logged.
 */
export function withoutRetiredSettings(document: unknown): unknown {
  if (!isObject(document)) return document;
  let out = document;
  for (const setting of RETIRED_SETTINGS) {
    const [section, key] = setting.path;
    const parent = out[section];
    if (isObject(parent) && key in parent) {
      const { [key]: _dropped, ...rest } = parent;
      out = { ...out, [section]: rest };
      if (!warned) {
        warned = true;
        console.warn(`config: ignoring stored ${setting.path.join(".")}; ${setting.message}`);
      }
    }
  }
  return out;
}
