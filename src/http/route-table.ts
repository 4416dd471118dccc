/** The methods each served path answers, for `OPTIONS` and 405 answers. */
export interface RouteTable {
  /** The methods served at `path` (with HEAD for GET), or an empty list when none is. */
  methodsFor(path: string): string[];
}

interface RouteLike {
  method: string;
  path: string;
}

function pattern(path: string): RegExp {
  const source = path
    .split("/")
    // Hono's routes are strict: `/jobs/` is not `/jobs`, and a parameter is never empty.
    .map((part) => (part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

/**
 * Built once from the app's registered routes (middleware registrations use the method ALL and
 * are skipped), so a route added anywhere is covered without a list to keep.
 */
export function routeTable(routes: () => readonly RouteLike[]): RouteTable {
  let table: { re: RegExp; methods: Set<string> }[] | undefined;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of routes()) {
      if (r.method === "ALL") continue;
      const methods = byPath.get(r.path) ?? new Set<string>();
      methods.add(r.method.toUpperCase());
      if (r.method.toUpperCase() === "GET") methods.add("HEAD");
      byPath.set(r.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ re: pattern(path), methods }));
  };
  return {
    methodsFor(path) {
      table ??= build();
      const found = new Set<string>();
      for (const entry of table) {
        if (entry.re.test(path)) for (const m of entry.methods) found.add(m);
      }
      return [...found].sort();
    },
  };
}
