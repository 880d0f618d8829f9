// Token checks with Supabase Realtime's answers (RealtimeWeb.UserSocket.connect/3 and
// RealtimeChannel.confirm_token/1): a token must verify with the JWT secret and carry `role` and
// `exp`; the `sb_…` keys stand for a JWT of their role, as the hosted gateway makes them.
import { type ApiKeys, type Claims, opaqueKeyClaims, roleOfApiKey, TokenError, verifyClaims } from "../keys.ts";

export class RealtimeTokenError extends Error {
  /** `code` and `message` as Realtime logs and replies them ("Code: message"). */
  constructor(readonly code: string, message: string, readonly httpStatus = 401) {
    super(message);
    this.name = "RealtimeTokenError";
  }
  get reason() {
    return `${this.code}: ${this.message}`;
  }
}

export async function confirmToken(secret: string, keys: ApiKeys, token: string): Promise<Claims> {
  if (token.startsWith("sb_")) {
    const role = roleOfApiKey(keys, token);
    if (!role) throw new RealtimeTokenError("MalformedJWT", "The token provided is not a valid JWT");
    return opaqueKeyClaims(role);
  }
  let claims: Claims;
  try {
    claims = await verifyClaims(secret, token.replace(/\s/g, ""));
  } catch (e) {
    if (!(e instanceof TokenError)) throw e;
    if (e.problem === "expired") {
      throw new RealtimeTokenError("InvalidJWTToken", `Token has expired ${e.expiredSecondsAgo ?? 0} seconds ago`);
    }
    if (e.problem === "signature") throw new RealtimeTokenError("JwtSignatureError", "Failed to validate JWT signature");
    throw new RealtimeTokenError("MalformedJWT", "The token provided is not a valid JWT");
  }
  if (!("role" in claims) || typeof claims.exp !== "number") {
    throw new RealtimeTokenError("InvalidJWTToken", "Fields `role` and `exp` are required in JWT");
  }
  return claims;
}

/** The HTTP answer Realtime gives a refused websocket upgrade (UserSocket.handle_error/2). */
export function upgradeRefusal(e: RealtimeTokenError): Response {
  const messages: Record<string, string> = {
    InvalidJWTToken: e.message.startsWith("Token has expired") ? "Token has expired" : e.message,
    JwtSignatureError: "Failed to validate JWT signature",
    MalformedJWT: "The token provided is not a valid JWT",
    MissingAPIKey: "API key is missing",
  };
  return new Response(JSON.stringify({ error: messages[e.code] ?? e.message }), {
    status: e.httpStatus,
    headers: { "content-type": "application/json" },
  });
}
