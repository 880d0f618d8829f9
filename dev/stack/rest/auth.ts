// Who a /rest/v1 request runs as. Two steps, as on Supabase: the API gateway checks that the
// `apikey` header (or query parameter) is one of the project's keys and swaps a non-JWT key for
// a JWT of its role; then PostgREST verifies `Authorization: Bearer <jwt>` with the JWT secret
// and takes the database role from its `role` claim (anon when there is no token).
import {
  type ApiKeys,
  type Claims,
  opaqueKeyClaims,
  roleOfApiKey,
  TokenError,
  verifyClaims,
} from "../keys.ts";
import { PgrstError } from "./errors.ts";

/** An answer the gateway gives before PostgREST sees the request (Kong's shape, not PostgREST's). */
export class GatewayRefusal extends Error {
  constructor(readonly status: number, message: string, readonly hint: string) {
    super(message);
    this.name = "GatewayRefusal";
  }
  response(): Response {
    return new Response(JSON.stringify({ message: this.message, hint: this.hint }), {
      status: this.status,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  }
}

export interface Identity {
  role: string;
  claims: Claims;
  /** PostgREST's "authenticated" for the 401/403 choice: the role is not the anonymous one. */
  authed: boolean;
}

export function apikeyOf(req: Request, url: URL): string | null {
  return req.headers.get("apikey") ?? url.searchParams.get("apikey");
}

/** The gateway's check of `apikey`: the role the key stands for. */
export function checkApiKey(keys: ApiKeys, apikey: string | null): "anon" | "service_role" {
  if (!apikey) {
    throw new GatewayRefusal(401, "No API key found in request", "No `apikey` request header or url param was found.");
  }
  const role = roleOfApiKey(keys, apikey);
  if (!role) {
    throw new GatewayRefusal(401, "Invalid API key", "Double check your Supabase `anon` or `service_role` API key.");
  }
  return role;
}

export async function identify(req: Request, url: URL, secret: string, keys: ApiKeys): Promise<Identity> {
  const apikey = apikeyOf(req, url);
  const keyRole = checkApiKey(keys, apikey);
  const auth = req.headers.get("authorization");
  const bearer = auth ? /^bearer\s*(.*)$/i.exec(auth)?.[1]?.trim() ?? null : null;
  let claims: Claims;
  if (bearer === null || bearer.startsWith("sb_")) {
    // The gateway stands in for a missing or non-JWT bearer with a JWT of the apikey's role.
    if (bearer && roleOfApiKey(keys, bearer) === null) {
      throw new GatewayRefusal(401, "Invalid API key", "Double check your Supabase `anon` or `service_role` API key.");
    }
    const role = bearer ? roleOfApiKey(keys, bearer)! : keyRole;
    claims = apikey!.startsWith("sb_") || bearer ? opaqueKeyClaims(role) : await verifyClaims(secret, apikey!);
  } else {
    claims = await verifyBearer(secret, bearer);
  }
  const role = typeof claims.role === "string" && claims.role !== "" ? claims.role : "anon";
  return { role, claims: { ...claims, role }, authed: role !== "anon" };
}

async function verifyBearer(secret: string, token: string): Promise<Claims> {
  try {
    return await verifyClaims(secret, token);
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    const claimsProblem = e.problem === "expired" || e.problem === "not_yet_valid" || e.problem === "claims";
    const code = claimsProblem ? "PGRST303" : "PGRST301";
    throw new PgrstError(401, code, e.message, null, null, {
      "www-authenticate": `Bearer error="invalid_token", error_description=${JSON.stringify(e.message)}`,
    });
  }
}
