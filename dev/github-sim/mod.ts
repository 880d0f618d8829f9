/** The GitHub simulator's public surface. See README.md. */
export {
  type CountersSnapshot,
  createSimulator,
  type Simulator,
  type SimulatorOptions,
} from "./server.ts";
export { DEFAULT_REPOS, type RepoSpec } from "./dataset.ts";
export { LARGE_OSS_REPO } from "./large_repo.ts";
export type { Installation } from "./auth.ts";
export type { DeleteOnFollowUp, DeleteTarget, DeletionRecord } from "./deletions.ts";
export {
  TRUTH_TYPES,
  type TruthItem,
  type TruthQuery,
  type TruthResult,
  type TruthType,
} from "./truth.ts";
