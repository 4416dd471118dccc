// Types of dataset.mjs for the TypeScript tests that read its seeded records.
export interface Dataset {
  apollo: object[];
  zoominfo: object[];
  hunter: object[];
  [key: string]: unknown;
}
export function makeDataset(opts: { leads: number; seed?: number }): Dataset;
