/** The Polar simulator's public surface. See README.md. */
export {
  type CompleteInput,
  type CompleteResult,
  createPolarSimulator,
  DEFAULT_ACCESS_TOKEN,
  DEFAULT_ORGANIZATION_ID,
  DEFAULT_WEBHOOK_SECRET,
  EXTENDED_RETENTION,
  type PolarSimulator,
  type PolarSimulatorOptions,
} from "./server.ts";
export type { Delivery } from "./deliveries.ts";
export type { ProductSpec } from "./objects.ts";
export { type SignatureScheme, type SignOptions, signPolarWebhook } from "./sign.ts";
