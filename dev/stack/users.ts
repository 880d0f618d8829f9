// Access tokens for users of the local stack, in place of signing in through Supabase Auth:
// a JWT for an auth.users row with the claims GoTrue puts in its access tokens (sub, role and
// aud "authenticated", email, phone, app_metadata, user_metadata, session_id, aal, amr,
// is_anonymous, iat, exp, iss `<API_URL>/auth/v1`), HS256-signed with the stack's JWT secret as
// `supabase start`'s Auth does. Use it with supabase-js's `accessToken` option.
import postgres from "npm:postgres@3.4.9";
import { SignJWT } from "npm:jose@6.2.17";
import { apiUrl, dbUrl, type StackConfig } from "./config.ts";

/** Where tokens come from: the stack's database, JWT secret and API URL. */
export interface TokenSource {
  dbUrl: string;
  jwtSecret: string;
  apiUrl: string;
}

export interface UserTokenOptions {
  /** Insert the user (email confirmed, provider email) when no auth.users row has that email. */
  create?: boolean;
  /** Lifetime in seconds (GoTrue's default jwt_expiry is 3600). */
  expiresIn?: number;
  /** user_metadata for a user created here. */
  userMetadata?: Record<string, unknown>;
}

interface UserRow {
  id: string;
  email: string | null;
  phone: string | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  is_anonymous: boolean;
}

export function tokenSourceOf(c: StackConfig): TokenSource {
  return { dbUrl: dbUrl(c), jwtSecret: c.jwtSecret, apiUrl: apiUrl(c) };
}

/** The values `stack:up` prints, as `npm test` exports them (DB_URL, JWT_SECRET, API_URL). */
export function tokenSourceFromEnv(): TokenSource {
  const get = (k: string) => {
    const v = Deno.env.get(k);
    if (!v) throw new Error(`${k} is not set: export the KEY=value lines \`npm run stack:up\` prints`);
    return v;
  };
  return { dbUrl: get("DB_URL"), jwtSecret: get("JWT_SECRET"), apiUrl: get("API_URL") };
}

const isSource = (x: TokenSource | StackConfig): x is TokenSource => "apiUrl" in x;

/** Signs GoTrue-shaped access-token claims for a user row. */
export async function signAccessToken(src: TokenSource, user: UserRow, expiresIn = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({
    aud: "authenticated",
    email: user.email ?? "",
    phone: user.phone ?? "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: crypto.randomUUID(),
    is_anonymous: user.is_anonymous,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`${src.apiUrl}/auth/v1`)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(new TextEncoder().encode(src.jwtSecret));
}

/** An access token for the auth.users row with `email` (created first when `create` is set). */
export async function userToken(
  target: TokenSource | StackConfig,
  email: string,
  opts: UserTokenOptions = {},
): Promise<string> {
  const src = isSource(target) ? target : tokenSourceOf(target);
  const sql = postgres(src.dbUrl, { max: 1, onnotice: () => {} });
  try {
    if (opts.create) {
      await sql`
        insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at,
                                raw_app_meta_data, raw_user_meta_data)
        values (gen_random_uuid(), 'authenticated', 'authenticated', ${email}, '', now(),
                '{"provider": "email", "providers": ["email"]}'::jsonb, ${JSON.stringify(opts.userMetadata ?? {})}::text::jsonb)
        on conflict (email) where is_sso_user = false do nothing`;
    }
    const [user] = await sql<UserRow[]>`
      select id, email, phone, raw_app_meta_data, raw_user_meta_data, is_anonymous
      from auth.users where email = ${email} and not is_sso_user`;
    if (!user) {
      throw new Error(`no user with email ${email} in auth.users; pass create (--create) to make one`);
    }
    return await signAccessToken(src, user, opts.expiresIn);
  } finally {
    await sql.end();
  }
}
