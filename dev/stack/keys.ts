// The anon and service-role API keys: HS256 JWTs signed with the stack's local secret, with the
// claims Supabase puts in its keys. Deterministic, so the keys stay the same across restarts.
import { jwtVerify, SignJWT, type JWTPayload } from "npm:jose@6.2.17";

const issuedAt = 1_700_000_000; // fixed, so keys are stable
const expiresAt = 2_000_000_000;

export async function signKey(secret: string, role: "anon" | "service_role"): Promise<string> {
  return await new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("supabase-demo")
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

/** Signs a user's access token the way Supabase Auth does (role authenticated, sub = user id). */
export async function signUserToken(secret: string, userId: string, email?: string): Promise<string> {
  return await new SignJWT({ role: "authenticated", email, aud: "authenticated" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuer("supabase-demo")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));
}

export async function verifyToken(secret: string, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
  return payload;
}
