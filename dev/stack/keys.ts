// The stack's API keys and how a request's key and bearer token become a database role, as the
// hosted API gateway and PostgREST/Realtime do it. The anon and service-role keys are HS256 JWTs
// signed with the stack's local secret, with the claims Supabase puts in its keys; deterministic,
// so they stay the same across restarts. The non-JWT keys are the Supabase CLI's fixed local
// `sb_publishable_…` / `sb_secret_…` values.
import { errors as joseErrors, type JWTPayload, jwtVerify, SignJWT } from "npm:jose@6.2.17";

const issuedAt = 1_700_000_000; // fixed, so keys are stable
const expiresAt = 2_000_000_000;

/** `supabase start`'s local publishable key (stands for role anon). */
export const publishableKey = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
/** `supabase start`'s local secret key (stands for role service_role). */
export const secretKey = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";

export async function signKey(secret: string, role: "anon" | "service_role"): Promise<string> {
  return await new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("supabase-demo")
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}

export async function verifyToken(secret: string, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
  return payload;
}

export type Claims = Record<string, unknown>;

/** The four keys a client may send as `apikey`, and the role each stands for. */
export interface ApiKeys {
  anon: string;
  serviceRole: string;
}

export async function apiKeys(secret: string): Promise<ApiKeys> {
  return { anon: await signKey(secret, "anon"), serviceRole: await signKey(secret, "service_role") };
}

/** The role an `apikey` value stands for, or null when it is none of the stack's keys. */
export function roleOfApiKey(keys: ApiKeys, apikey: string): "anon" | "service_role" | null {
  if (apikey === keys.anon || apikey === publishableKey) return "anon";
  if (apikey === keys.serviceRole || apikey === secretKey) return "service_role";
  return null;
}

/**
 * Claims standing for a non-JWT key. The hosted gateway swaps `sb_…` keys for a short-lived JWT
 * of the key's role before the request reaches PostgREST or Realtime; this is that JWT's payload.
 */
export function opaqueKeyClaims(role: "anon" | "service_role"): Claims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: "supabase-demo", role, iat: now, exp: now + 3600 };
}

/** Why a bearer token was refused, in the categories PostgREST and Realtime tell apart. */
export type TokenProblem = "malformed" | "signature" | "expired" | "not_yet_valid" | "claims";

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem, message: string, readonly expiredSecondsAgo?: number) {
    super(message);
    this.name = "TokenError";
  }
}

/** Verifies an HS256 token with the stack's secret; throws TokenError saying what is wrong. */
export async function verifyClaims(secret: string, token: string): Promise<Claims> {
  const parts = token.split(".").length;
  if (token === "") throw new TokenError("malformed", "Empty JWT is sent in Authorization header");
  if (parts !== 3) throw new TokenError("malformed", `Expected 3 parts in JWT; got ${parts}`);
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"] });
    return payload as Claims;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) {
      const exp = Number((e.payload as JWTPayload).exp);
      return Promise.reject(new TokenError("expired", "JWT expired", Math.floor(Date.now() / 1000) - exp));
    }
    if (e instanceof joseErrors.JWTClaimValidationFailed) {
      const problem = e.claim === "nbf" ? "not_yet_valid" : "claims";
      throw new TokenError(problem, problem === "not_yet_valid" ? "JWT not yet valid" : "Parsing claims failed");
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new TokenError("signature", "JWT cryptographic operation failed");
    }
    if (e instanceof joseErrors.JOSEAlgNotAllowed) {
      throw new TokenError("signature", "Wrong or unsupported encoding algorithm");
    }
    throw new TokenError("malformed", "JWT couldn't be decoded");
  }
}
