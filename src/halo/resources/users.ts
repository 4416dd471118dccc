import { type Entity, listEntity, type UpsertOptions, upsertEntity } from "../entity";
import { UserRecord } from "../schemas";
import type { Halo } from "../transport";
import { UserWrite } from "../writes";

/**
 * `/api/Users`, envelope `users`; external key `third_party_id`. `search=` is fuzzy, so lookups
 * use `advanced_search` equality and re-check on our side (CIPP Get-HaloUser.ps1, halopsa-api.md §3.2).
 */
export const users: Entity<UserRecord, UserWrite> = {
  path: "/api/Users",
  key: "users",
  record: UserRecord,
  write: UserWrite,
  keyField: "third_party_id",
  readKey: (r) => r.third_party_id ?? undefined,
  writeKey: (w) => w.third_party_id ?? undefined,
  lookup: { kind: "advanced_search" },
};

export const listUsers = (halo: Halo, query: Record<string, string | number | boolean> = {}) =>
  listEntity(halo, users, query);
export const upsertUsers = (
  halo: Halo,
  items: readonly UserWrite[],
  options?: UpsertOptions<UserRecord>,
) => upsertEntity(halo, users, items, options);

/** Users whose email equals `email` exactly (advanced_search; `search=` would be fuzzy). */
export async function findUsersByEmail(halo: Halo, email: string): Promise<UserRecord[]> {
  const found = await listEntity(halo, users, {
    advanced_search: JSON.stringify([
      { filter_name: "emailaddress", filter_type: 2, filter_value: email },
    ]),
  });
  const wanted = email.trim().toLowerCase();
  return found.filter((u) => u.emailaddress?.trim().toLowerCase() === wanted);
}
