import type { Kv } from "./db";
import type { TagWrite } from "./sanitize";

export interface Tag {
  id: number;
  text: string;
}

interface Dictionary {
  next: number;
  byText: Record<string, Tag>;
}

const KEY = "tag_dictionary";

/** Tenant-wide tag dictionary: the same text always gets the same Tag id, like Halo's tag table. */
export class Tags {
  constructor(private readonly kv: Kv) {}

  private load(): Dictionary {
    // Written only by this class.
    return (this.kv.get(KEY) as Dictionary | undefined) ?? { next: 1, byText: {} };
  }

  /** Resolves written tags to {id, text}; an id that names no known tag is dropped. */
  resolve(writes: TagWrite[]): Tag[] {
    const dict = this.load();
    const out: Tag[] = [];
    for (const w of writes) {
      let tag: Tag | undefined;
      if (w.text) {
        const key = w.text.toLowerCase();
        tag = dict.byText[key];
        if (!tag) {
          tag = { id: dict.next++, text: w.text };
          dict.byText[key] = tag;
        }
      } else if (w.id !== undefined) {
        tag = Object.values(dict.byText).find((t) => t.id === w.id);
      }
      if (tag && !out.some((t) => t.id === tag.id)) out.push(tag);
    }
    this.kv.set(KEY, dict);
    return out;
  }
}
