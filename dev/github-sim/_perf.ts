import { createSimulator } from "./mod.ts";
const sim = createSimulator({ now: Date.parse("2026-12-01T00:00:00Z"), limit: 1e9, pointsPerMinute: 1e9 });
const q = async (query: string) => {
  const r = await sim.fetch("http://sim/graphql", { method: "POST", headers: { authorization: "bearer t1" }, body: JSON.stringify({ query }) });
  return await r.json();
};
async function time(label: string, query: string) {
  for (let i = 0; i < 5; i++) await q(query);
  const t = performance.now();
  for (let i = 0; i < 30; i++) await q(query);
  console.log(label, ((performance.now() - t) / 30).toFixed(2), "ms");
}
await time("scalars", `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes { id databaseId number title body state createdAt updatedAt author { login } } } } }`);
await time("reviews", `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes { id reviews(first: 10) { totalCount nodes { id databaseId state body submittedAt author { login } } } } } } }`);
await time("review comments", `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes { id reviews(first: 10) { nodes { id comments(first: 10) { totalCount nodes { id databaseId } } } } } } } }`);
await time("threads", `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes { id reviewThreads(first: 10) { nodes { id comments(first: 10) { totalCount nodes { id databaseId body createdAt path author { login } pullRequestReview { databaseId } } } } } } } } }`);
await time("comments", `{ repository(owner: "acme", name: "web") { pullRequests(first: 100) { nodes { id comments(first: 10) { totalCount nodes { id databaseId body createdAt updatedAt author { login } } } } } } }`);
await time("globex/huge", `{ repository(owner: "globex", name: "huge") { pullRequests(first: 100, after: "Y3Vyc29yOnYyOjQwMDA=") { nodes { id reviews(first: 10) { nodes { id } } comments(first: 10) { nodes { id } } } } } }`);
