// Polar webhook (public, verify_jwt = false: the Standard Webhooks signature is the authentication).
// Everything is in _shared/polar/webhook.ts; this file only wires the database and the env.
import { connect } from "../_shared/db.ts";
import {
  createPolarWebhookHandler,
  polarWebhookConfigFromEnv,
  recordWithDatabase,
} from "../_shared/polar/webhook.ts";

const handler = createPolarWebhookHandler({
  ...polarWebhookConfigFromEnv(),
  record: recordWithDatabase(connect(undefined, 4)),
});

Deno.serve(handler);
