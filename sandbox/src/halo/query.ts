import type { EntityDef } from "./entities";
import type { Knobs } from "./knobs";
import { type FieldKind, HALO_FIELDS } from "./schema-fields";
import type { HaloRecord } from "./store";

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 50;

export type ListResult =
  | { ok: true; total: number; items: HaloRecord[] }
  | { ok: false; status: 400; body: Record<string, string> };

interface AdvancedFilter {
  filter_name: string;
  filter_type: number;
  filter_value: unknown;
}

const SCALAR: ReadonlySet<FieldKind> = new Set(["int", "double", "bool", "string", "date"]);

/** ASP.NET binds query parameters case-insensitively, so the sandbox lower-cases their names. */
export function lowerParams(url: URL): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of url.searchParams) out.append(k.toLowerCase(), v);
  return out;
}

function parseAdvanced(def: EntityDef, raw: string): AdvancedFilter[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const fields: Record<string, FieldKind> = HALO_FIELDS[def.entity];
  const out: AdvancedFilter[] = [];
  for (const f of parsed) {
    if (typeof f !== "object" || f === null) return undefined;
    const { filter_name, filter_type, filter_value } = f as Record<string, unknown>;
    const kind = typeof filter_name === "string" ? fields[filter_name] : undefined;
    // Only equality (filter_type 2) is documented (CIPP Get-HaloUser.ps1, §3.2).
    if (typeof filter_name !== "string" || !kind || !SCALAR.has(kind) || filter_type !== 2) {
      return undefined;
    }
    out.push({ filter_name, filter_type, filter_value });
  }
  return out;
}

/** Equality as SQL Server's default collation sees it: case-insensitive for text. */
function equals(stored: unknown, wanted: unknown): boolean {
  if (stored === undefined || stored === null) return wanted === null || wanted === "";
  return String(stored).toLowerCase() === String(wanted).toLowerCase();
}

/**
 * Filters, searches, orders and pages one entity's records the way the real list endpoints do:
 * page_size/page_no only count with pageinate=true, pages are capped at 100, record_count is the
 * full total (halopsa-api.md §3.2, HaloAPI#90).
 */
export function listRecords(
  def: EntityDef,
  all: HaloRecord[],
  params: URLSearchParams,
  knobs: Knobs,
): ListResult {
  let rows = def.scope ? all.filter(def.scope) : all;

  if (def.hidesInactive) {
    const includeInactive = params.get("includeinactive")?.toLowerCase() === "true";
    const includeActive = params.get("includeactive")?.toLowerCase() !== "false";
    rows = rows.filter((r) => (r.inactive === true ? includeInactive : includeActive));
  }

  for (const [name, filter] of Object.entries(def.filters)) {
    const value = params.get(name);
    if (value !== null && value !== "") rows = rows.filter((r) => filter(r, value, params));
  }

  const search = params.get("search");
  if (search) {
    const needle = search.toLowerCase();
    rows = rows.filter(
      (r) =>
        String(r.id) === search ||
        def.searchFields.some((f) => {
          const v = r[f];
          return typeof v === "string" && v.toLowerCase().includes(needle);
        }),
    );
  }

  const advanced = params.get("advanced_search");
  if (advanced) {
    const filters = parseAdvanced(def, advanced);
    if (!filters) {
      return {
        ok: false,
        status: 400,
        body: { advanced_search: "Invalid advanced search parameter" },
      };
    }
    rows = rows.filter((r) => filters.every((f) => equals(r[f.filter_name], f.filter_value)));
  }

  const order = params.get("order");
  if (order && order in HALO_FIELDS[def.entity]) {
    const desc = params.get("orderdesc")?.toLowerCase() === "true";
    rows = [...rows].sort((a, b) => {
      const x = a[order];
      const y = b[order];
      const cmp =
        typeof x === "number" && typeof y === "number"
          ? x - y
          : String(x ?? "").localeCompare(String(y ?? ""));
      return desc ? -cmp : cmp;
    });
  }

  const total = rows.length;
  if (params.get("pageinate")?.toLowerCase() === "true") {
    const requested = Number.parseInt(params.get("page_size") ?? "", 10);
    const size = Math.min(
      MAX_PAGE_SIZE,
      Number.isFinite(requested) && requested > 0 ? requested : DEFAULT_PAGE_SIZE,
    );
    const pageNo = Math.max(1, Number.parseInt(params.get("page_no") ?? "1", 10) || 1);
    return { ok: true, total, items: rows.slice((pageNo - 1) * size, pageNo * size) };
  }
  const count = Number.parseInt(params.get("count") ?? "", 10);
  const cap = Number.isFinite(count) && count > 0 ? count : knobs.unpaged_max;
  return { ok: true, total, items: cap === null ? rows : rows.slice(0, cap) };
}
