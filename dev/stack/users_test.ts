// userToken() against the running stack: the claims GoTrue puts in an access token, for the row
// auth.users holds.
import assert from "node:assert/strict";
import { decodeJwt, jwtVerify } from "npm:jose@6.2.17";
import { adminDb, env } from "./test_stack.ts";
import { tokenSourceFromEnv, userToken } from "./users.ts";

Deno.test("userToken() signs GoTrue's access-token claims for the auth.users row, creating it when asked", async () => {
  const sql = adminDb();
  const email = `token-${crypto.randomUUID().slice(0, 8)}@example.com`;
  try {
    await assert.rejects(userToken(tokenSourceFromEnv(), email), /no user with email .* pass create/);
    const token = await userToken(tokenSourceFromEnv(), email, { create: true, userMetadata: { name: "Ada" } });
    await jwtVerify(token, new TextEncoder().encode(env("JWT_SECRET")), { algorithms: ["HS256"] });
    const claims = decodeJwt(token);
    const [row] = await sql`select id, email, raw_app_meta_data, raw_user_meta_data from auth.users where email = ${email}`;
    assert.deepEqual(
      [claims.sub, claims.email, claims.role, claims.aud, claims.app_metadata, claims.user_metadata, claims.is_anonymous],
      [row.id, email, "authenticated", "authenticated", row.raw_app_meta_data, { name: "Ada" }, false],
    );
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    assert.match(String(claims.session_id), /^[0-9a-f-]{36}$/);
    assert.equal(claims.iss, `${env("API_URL")}/auth/v1`);
    const again = decodeJwt(await userToken(tokenSourceFromEnv(), email, { create: true }));
    assert.equal(again.sub, row.id, "a second create finds the same user");
  } finally {
    await sql`delete from auth.users where email = ${email}`;
    await sql.end();
  }
});
