import type { LifecycleIds } from "../config/schema";
import { listPage } from "../halo/entity";
import { MAX_PAGE_SIZE } from "../halo/paging";
import { clients } from "../halo/resources/clients";
import { sites } from "../halo/resources/sites";
import { tickets } from "../halo/resources/tickets";
import { users } from "../halo/resources/users";
import type { ClientRecord, SiteRecord, TicketRecord, UserRecord } from "../halo/schemas";
import type { Halo } from "../halo/transport";
import type { Step } from "./steps";

export const INDEX_PAGE_SIZE = MAX_PAGE_SIZE;

export type IndexPage =
  | { entity: "clients"; items: ClientRecord[]; recordCount?: number | undefined }
  | { entity: "sites"; items: SiteRecord[]; recordCount?: number | undefined }
  | { entity: "users"; items: UserRecord[]; recordCount?: number | undefined }
  | { entity: "tickets"; items: TicketRecord[]; recordCount?: number | undefined };

/**
 * One HaloPSA list call: `pageinate=true&page_size=100&page_no=N`. Tickets are filtered by the
 * stage's ticket type (`requesttype_id`, the list filter for the ticket type), so a tenant's
 * service tickets are never paged through.
 */
export async function readPage(
  halo: Halo,
  step: Step,
  lifecycle: LifecycleIds,
): Promise<IndexPage> {
  switch (step.entity) {
    case "clients":
      return {
        entity: "clients",
        ...(await listPage(halo, clients, step.page, {}, INDEX_PAGE_SIZE)),
      };
    case "sites":
      return { entity: "sites", ...(await listPage(halo, sites, step.page, {}, INDEX_PAGE_SIZE)) };
    case "users":
      return { entity: "users", ...(await listPage(halo, users, step.page, {}, INDEX_PAGE_SIZE)) };
    case "tickets": {
      const type = lifecycle[step.stage ?? "lead"].ticket_type_id;
      const query = { requesttype_id: type };
      return {
        entity: "tickets",
        ...(await listPage(halo, tickets, step.page, query, INDEX_PAGE_SIZE)),
      };
    }
  }
}
