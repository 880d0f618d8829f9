/**
 * Control endpoints under `/_sim/` (no authentication, no faults, no rate limits): health,
 * counters, ground truth, runtime configuration, reset, deletions and token revocation.
 */
import type { DeleteTarget, DeletionRecord } from "./deletions.ts";
import { notFound } from "./rest.ts";
import type { TruthQuery, TruthResult, TruthType } from "./truth.ts";

export interface ControlApi {
  counters(): unknown;
  reset(): void;
  configure(options: Record<string, unknown>): void;
  truth(query: TruthQuery): TruthResult;
  deleteItem(target: DeleteTarget): DeletionRecord;
  deletions(): { deleted: unknown; items: DeletionRecord[] };
  revokeToken(token: string): void;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

/** Runs `action` on the request's JSON body, answering 400 for a body that is not JSON and
 * `failure` (404: what it names does not exist) for an action that throws. */
async function withBody(
  req: Request,
  path: string,
  action: (body: Record<string, unknown>) => unknown,
  failure = 404,
): Promise<Response> {
  if (req.method !== "POST") return json({ message: `Use POST ${path} with a JSON body` }, 405);
  let body: Record<string, unknown>;
  try {
    body = await req.json();
  } catch (error) {
    return json({ message: `Invalid JSON for ${path}: ${(error as Error).message}` }, 400);
  }
  try {
    return json(action(body ?? {}) ?? { ok: true });
  } catch (error) {
    return json({ message: (error as Error).message }, failure);
  }
}

function truthAnswer(api: ControlApi, url: URL): Response {
  const p = url.searchParams;
  try {
    return json(api.truth({
      repo: p.get("repo") ?? "",
      type: (p.get("type") ?? "") as TruthType,
      since: p.get("since") ?? undefined,
      until: p.get("until") ?? undefined,
      updatedSince: p.get("updatedSince") ?? undefined,
    }));
  } catch (error) {
    return json({ message: (error as Error).message }, 400);
  }
}

export function control(req: Request, url: URL, api: ControlApi): Promise<Response> | Response {
  switch (url.pathname) {
    case "/_sim/health":
      return json({ ok: true });
    case "/_sim/counters":
      return json(api.counters());
    case "/_sim/reset":
      if (req.method !== "POST") return json({ message: "Use POST /_sim/reset" }, 405);
      api.reset();
      return json({ ok: true });
    case "/_sim/config":
      return withBody(req, url.pathname, (body) => {
        api.configure(body);
      }, 400);
    case "/_sim/truth":
      return truthAnswer(api, url);
    case "/_sim/delete":
      return withBody(req, url.pathname, (body) => api.deleteItem(body as DeleteTarget));
    case "/_sim/deletions":
      return json(api.deletions());
    case "/_sim/tokens/revoke":
      return withBody(req, url.pathname, (body) => {
        if (typeof body.token !== "string" || !body.token) {
          throw new RangeError('revoke: give {"token": "<the token to revoke>"}');
        }
        api.revokeToken(body.token);
        return { ok: true, revoked: body.token };
      }, 400);
  }
  return notFound();
}
