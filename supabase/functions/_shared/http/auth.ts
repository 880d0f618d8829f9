// Who is calling a function, checked by the function itself (not only by the gateway's
// verify_jwt, which a config change could turn off):
// - the service: the bearer (or apikey) is exactly one of the project's secret keys, the legacy
//   SUPABASE_SERVICE_ROLE_KEY or a value of SUPABASE_SECRET_KEYS (new sb_secret_… keys, which
//   are not JWTs). Compared in constant time.
// - a signed-in user: the access token verifies (signedInUser) and carries role authenticated
//   and a subject.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "npm:jose@6.2.17";

export type Env = (name: string) => string | undefined;

function bearerOf(req: Request): string | null {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? null;
}

function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The project's secret keys this function was given. */
export function serviceKeys(env: Env): string[] {
  const keys: string[] = [];
  const legacy = env("SUPABASE_SERVICE_ROLE_KEY");
  if (legacy) keys.push(legacy);
  const dictionary = env("SUPABASE_SECRET_KEYS");
  if (dictionary) {
    try {
      const parsed = JSON.parse(dictionary) as unknown;
      if (parsed && typeof parsed === "object") {
        for (const v of Object.values(parsed as Record<string, unknown>)) if (typeof v === "string" && v) keys.push(v);
      }
    } catch {
      console.error("SUPABASE_SECRET_KEYS is not a JSON object of keys: ignored");
    }
  }
  return keys;
}

/** True when the request carries one of the project's secret keys. */
export function isServiceCaller(req: Request, env: Env): boolean {
  const presented = [bearerOf(req), req.headers.get("apikey")].filter((v): v is string => !!v);
  const keys = serviceKeys(env);
  return presented.some((p) => keys.some((k) => sameText(p, k)));
}

export interface SignedInUser {
  id: string;
  email: string | null;
}

function userOf(payload: JWTPayload): SignedInUser | { error: string } {
  if (payload.role !== "authenticated" || typeof payload.sub !== "string") {
    return { error: "the access token is not a signed-in user's (role authenticated with a subject)" };
  }
  return { id: payload.sub, email: typeof payload.email === "string" ? payload.email : null };
}

/** The signed-in user of the request, or an error saying why not. Asymmetric tokens verify
 * against SUPABASE_JWKS; HS256 ones against JWT_SECRET when the function has it (the local
 * stack; a hosted project on its legacy secret may set it); otherwise Supabase Auth itself is
 * asked (GET /auth/v1/user), which knows every key the project signs with. */
export async function signedInUser(
  req: Request,
  env: Env,
  fetchFn: typeof fetch = fetch,
): Promise<SignedInUser | { error: string }> {
  const token = bearerOf(req);
  if (!token) return { error: "sign in first: no Authorization: Bearer <access token>" };
  try {
    const { alg } = decodeProtectedHeader(token);
    const jwks = env("SUPABASE_JWKS");
    const secret = env("JWT_SECRET");
    if (alg !== "HS256" && jwks) {
      return userOf((await jwtVerify(token, createLocalJWKSet(JSON.parse(jwks)))).payload);
    }
    if (alg === "HS256" && secret) {
      return userOf((await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] })).payload);
    }
  } catch (e) {
    return { error: `the access token is not valid: ${(e as Error).message}` };
  }
  const url = env("SUPABASE_URL");
  const apikey = env("SUPABASE_ANON_KEY") ?? env("SUPABASE_PUBLISHABLE_KEY");
  if (!url || !apikey) return { error: "the function cannot verify access tokens: no SUPABASE_JWKS, JWT_SECRET or SUPABASE_URL" };
  const r = await fetchFn(`${url.replace(/\/$/, "")}/auth/v1/user`, {
    headers: { apikey, authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!r.ok) {
    await r.body?.cancel();
    return { error: `the access token is not valid: Supabase Auth answered ${r.status}` };
  }
  const user = await r.json() as { id?: string; email?: string };
  return user.id ? { id: user.id, email: user.email ?? null } : { error: "Supabase Auth returned no user for the token" };
}
