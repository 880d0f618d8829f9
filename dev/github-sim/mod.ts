/** The GitHub simulator's public surface. See README.md. */
export {
  type CountersSnapshot,
  createSimulator,
  type Simulator,
  type SimulatorOptions,
} from "./server.ts";
export { DEFAULT_REPOS, type RepoSpec } from "./dataset.ts";
export {
  TRUTH_TYPES,
  type TruthItem,
  type TruthQuery,
  type TruthResult,
  type TruthType,
} from "./truth.ts";
