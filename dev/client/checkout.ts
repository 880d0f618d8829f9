// Buying the Extended Data Retention addon as an app does: an owner or admin calls the
// polar-checkout function with supabase-js, then the buyer's browser pays on the checkout page
// the function returned (locally the Polar simulator's page: one form, no card).
import { FunctionsHttpError } from "npm:@supabase/supabase-js@2.119.0";
import type { Client } from "./watch.ts";

/** polar-checkout's answer (201). */
export interface CreatedCheckout {
  checkout_id: string;
  url: string;
  expires_at: string | null;
}

/** The function's refusal: HTTP status and its `error` sentence. */
export class CheckoutRefused extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(`polar-checkout answered ${status}: ${reason}`);
    this.name = "CheckoutRefused";
  }
}

export async function createAddonCheckout(client: Client, workspaceId: string, successUrl?: string): Promise<CreatedCheckout> {
  const { data, error } = await client.functions.invoke<CreatedCheckout>("polar-checkout", {
    body: { workspace_id: workspaceId, ...(successUrl ? { success_url: successUrl } : {}) },
  });
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    const body = await res.json().catch(() => null) as { error?: string } | null;
    throw new CheckoutRefused(res.status, body?.error ?? error.message);
  }
  if (error) throw new Error(`calling polar-checkout for workspace ${workspaceId} failed: ${error.message}`);
  if (!data?.url) throw new Error(`polar-checkout answered without a checkout url: ${JSON.stringify(data)}`);
  return data;
}

/** Submits the checkout page's form as the buyer's browser does (Pay); returns where the page
 * sends the browser next (the checkout's success_url). */
export async function payCheckout(checkoutUrl: string, email: string): Promise<string> {
  const res = await fetch(checkoutUrl, {
    method: "POST",
    body: new URLSearchParams({ customer_email: email }),
    redirect: "manual",
  });
  const text = await res.text();
  if (res.status !== 303) {
    throw new Error(`paying the checkout at ${checkoutUrl} answered ${res.status}, not 303: ${text.slice(0, 300)}`);
  }
  return res.headers.get("location") ?? "";
}
