// Users of the running stack as an app sees them: a signed-in supabase-js client typed with the
// generated types/database.ts (createClient<Database>), its access token minted by the local
// stack (dev/stack/users.ts) in place of Supabase Auth.
import { clientFor, type Client } from "../../../dev/client/watch.ts";
import { tokenSourceFromEnv, userToken } from "../../../dev/stack/users.ts";
import type { Sql } from "../../functions/_shared/db.ts";
import { stackEnv } from "./_env.ts";

export type { Client };

export interface SignedInUser {
  id: string;
  email: string;
  token: string;
  client: Client;
}

export async function signIn(label: string): Promise<SignedInUser> {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const token = await userToken(tokenSourceFromEnv(), email, { create: true });
  const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  return { id: claims.sub, email, token, client: clientFor(stackEnv("API_URL"), stackEnv("ANON_KEY"), token) };
}

/** Workspaces have no invitation flow yet: an operator adds the member. */
export async function addMember(sql: Sql, workspaceId: string, userId: string, role: "member" | "admin"): Promise<void> {
  await sql`insert into public.workspace_members (workspace_id, user_id, role) values (${workspaceId}, ${userId}, ${role})`;
}

export const uniqueSlug = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;
