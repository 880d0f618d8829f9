// polar-checkout (verify_jwt = true; the handler verifies the user's token itself too): an owner
// or admin buys the Extended Data Retention addon for their workspace. Logic in _shared/polar/checkout.ts.
import { connect } from "../_shared/db.ts";
import { createCheckoutHandler } from "../_shared/polar/checkout.ts";

Deno.serve(createCheckoutHandler({ sql: connect(undefined, 2), env: (name) => Deno.env.get(name) }));
