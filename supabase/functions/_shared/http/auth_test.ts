import assert from "node:assert/strict";
import { SignJWT } from "npm:jose@6.2.17";
import { isServiceCaller, signedInUser } from "./auth.ts";

const secret = new TextEncoder().encode("a-local-secret-of-at-least-32-characters!");
const keyText = "a-local-secret-of-at-least-32-characters!";
const env = (values: Record<string, string>) => (name: string) => values[name];
const req = (headers: Record<string, string>) => new Request("http://x/", { headers });

Deno.test("isServiceCaller() accepts exactly the legacy service key or a secret key, nothing else", () => {
  const e = env({ SUPABASE_SERVICE_ROLE_KEY: "eyJlegacy", SUPABASE_SECRET_KEYS: '{"default":"sb_secret_abc"}' });
  assert.equal(isServiceCaller(req({ authorization: "Bearer eyJlegacy" }), e), true);
  assert.equal(isServiceCaller(req({ authorization: "Bearer sb_secret_abc" }), e), true);
  assert.equal(isServiceCaller(req({ apikey: "sb_secret_abc" }), e), true);
  assert.equal(isServiceCaller(req({ authorization: "Bearer sb_secret_abd" }), e), false);
  assert.equal(isServiceCaller(req({ authorization: "Bearer eyJlegac" }), e), false);
  assert.equal(isServiceCaller(req({}), e), false);
});

Deno.test("isServiceCaller() refuses a JWT claiming service_role that is not the project's key", async () => {
  const forged = await new SignJWT({ role: "service_role" }).setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode("somebody-else's-secret-of-32-characters"));
  assert.equal(isServiceCaller(req({ authorization: `Bearer ${forged}` }), env({ SUPABASE_SERVICE_ROLE_KEY: "eyJreal" })), false);
});

Deno.test("signedInUser() verifies an HS256 access token against JWT_SECRET", async () => {
  const good = await new SignJWT({ role: "authenticated", email: "a@example.com" }).setProtectedHeader({ alg: "HS256" })
    .setSubject("11111111-1111-4111-8111-111111111111").setExpirationTime("1h").sign(secret);
  assert.deepEqual(await signedInUser(req({ authorization: `Bearer ${good}` }), env({ JWT_SECRET: keyText })),
    { id: "11111111-1111-4111-8111-111111111111", email: "a@example.com" });
  const forged = await new SignJWT({ role: "authenticated" }).setProtectedHeader({ alg: "HS256" }).setSubject("x")
    .sign(new TextEncoder().encode("somebody-else's-secret-of-32-characters"));
  const refused = await signedInUser(req({ authorization: `Bearer ${forged}` }), env({ JWT_SECRET: keyText }));
  assert.ok("error" in refused && /not valid/.test(refused.error));
  const anon = await new SignJWT({ role: "anon" }).setProtectedHeader({ alg: "HS256" }).sign(secret);
  const notUser = await signedInUser(req({ authorization: `Bearer ${anon}` }), env({ JWT_SECRET: keyText }));
  assert.ok("error" in notUser && /signed-in user/.test(notUser.error));
});

Deno.test("signedInUser() asks Supabase Auth when it has no key for the token", async () => {
  const token = await new SignJWT({ role: "authenticated" }).setProtectedHeader({ alg: "HS256" }).setSubject("u1").sign(secret);
  const asked: string[] = [];
  const auth = (input: string | URL | Request) => {
    asked.push(String(input));
    return Promise.resolve(Response.json({ id: "u1", email: "u1@example.com" }));
  };
  const user = await signedInUser(req({ authorization: `Bearer ${token}` }),
    env({ SUPABASE_URL: "https://p.supabase.co", SUPABASE_ANON_KEY: "anon" }), auth as typeof fetch);
  assert.deepEqual(user, { id: "u1", email: "u1@example.com" });
  assert.deepEqual(asked, ["https://p.supabase.co/auth/v1/user"]);
});
