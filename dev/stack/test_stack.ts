// What tests of the client surface need from a running stack (`npm test` exports the values
// `stack:up` prints): supabase-js clients signed in as local users, a superuser connection to
// arrange data, and a way to wait for a condition.
import postgres from "npm:postgres@3.4.9";
import { createClient, type SupabaseClient } from "npm:@supabase/supabase-js@2.119.0";
import { tokenSourceFromEnv, userToken } from "./users.ts";

export function env(name: "API_URL" | "DB_URL" | "ANON_KEY" | "SERVICE_ROLE_KEY" | "PUBLISHABLE_KEY" | "JWT_SECRET"): string {
  const v = Deno.env.get(name);
  if (!v) {
    throw new Error(`${name} is not set: these tests need a running stack; run them with \`npm test\`, or ` +
      "`npm run stack:up` and export the KEY=value lines it prints");
  }
  return v;
}

export const adminDb = () => postgres(env("DB_URL"), { max: 2, onnotice: () => {} });

/** supabase-js as a client app would use it with a token from elsewhere (the `accessToken` option). */
export function clientWithToken(token: string | null, key = env("ANON_KEY")): SupabaseClient {
  return createClient(env("API_URL"), key, {
    accessToken: () => Promise.resolve(token ?? key),
  });
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  client: SupabaseClient;
}

/** A new auth.users row with its access token and a client signed in as it. */
export async function newUser(label: string): Promise<TestUser> {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const token = await userToken(tokenSourceFromEnv(), email, { create: true });
  const sub = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub as string;
  return { id: sub, email, token, client: clientWithToken(token) };
}

export async function eventually<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const uniqueSlug = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
