// `npm run user:token -- --email owner@example.com [--create] [--expires-in 3600]`: prints an
// access token for that auth.users row of the running stack (dev/stack/users.ts), for
// supabase-js's `accessToken` option or an `Authorization: Bearer` header.
import { parseArgs } from "node:util";
import { type Profile, stackConfig } from "./stack/config.ts";
import { userToken } from "./stack/users.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    email: { type: "string" },
    create: { type: "boolean", default: false },
    "expires-in": { type: "string", default: "3600" },
    profile: { type: "string", default: "dev" },
  },
});

const expiresIn = Number(values["expires-in"]);
if (!values.email || !Number.isInteger(expiresIn) || expiresIn <= 0 || !["dev", "test"].includes(values.profile!)) {
  console.error("usage: npm run user:token -- --email <address> [--create] [--expires-in <seconds>] [--profile dev|test]");
  Deno.exit(2);
}

try {
  console.log(await userToken(stackConfig(values.profile as Profile), values.email, { create: values.create, expiresIn }));
} catch (e) {
  const msg = (e as Error).message;
  const down = /ECONNREFUSED|connect/i.test(msg) ? " (is the stack running? npm run stack:up)" : "";
  console.error(`✗ could not make a token for ${values.email}: ${msg}${down}`);
  Deno.exit(1);
}
