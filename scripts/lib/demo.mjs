// The main job `npm start` runs once the stack is up. Grows with the pipeline.
export async function runDemo({ base, key }) {
  const res = await fetch(`${base}/api/v1/config`, { headers: { Authorization: `Bearer ${key}` } });
  console.log(`Demo: GET /api/v1/config with the admin key -> HTTP ${res.status}`);
}
