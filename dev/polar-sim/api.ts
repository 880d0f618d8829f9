// Polar's public API as the SDK (npm @polar-sh/sdk 1.0.1) calls it: /v1/checkouts/. Answers
// follow Polar's server: the API version middleware (kit/versioning.py: `Polar-Version` header,
// default 2026-04, unknown → 404 {"detail": "Not Found"}, echoed on every answer), the bearer
// token middleware (auth/middlewares.py: an unknown token → authlib's RFC 6750 invalid_token), the
// Authenticator dependency (no token → {"error": "Unauthorized", ...}, exceptions.py), then body
// validation (422) and the checkout service.
import type { Checkout } from "./objects.ts";
import type { Store } from "./store.ts";
import { validateCheckoutCreate, type ValidationErrorDetail } from "./validate.ts";

export const API_VERSIONS = ["2026-04", "2026-10"] as const;
const DEFAULT_API_VERSION = "2026-04";
const INVALID_TOKEN =
  "The access token provided is expired, revoked, malformed, or invalid for other reasons.";

export interface ApiDeps {
  store: Store;
  accessTokens: ReadonlySet<string>;
  /** Records and sends the webhook events of a state change. */
  emit(events: { type: string; data: unknown }[]): Promise<unknown>;
  /** Base of checkout page URLs: the simulator's public URL, else the request's origin. */
  frontendUrl(req: Request): string;
}

export async function handleApi(req: Request, url: URL, deps: ApiDeps): Promise<Response> {
  const version = req.headers.get("polar-version") ?? DEFAULT_API_VERSION;
  if (!(API_VERSIONS as readonly string[]).includes(version)) {
    return json(404, { detail: "Not Found" });
  }
  const answer = await route(req, url, deps);
  answer.headers.set("polar-version", version);
  return answer;
}

async function route(req: Request, url: URL, deps: ApiDeps): Promise<Response> {
  const token = bearerToken(req.headers.get("authorization"));
  if (token !== null && !deps.accessTokens.has(token)) return invalidToken();

  const path = url.pathname.replace(/\/+$/, "");
  const byId = path.match(/^\/v1\/checkouts\/([^/]+)$/);
  if (path === "/v1/checkouts") {
    if (req.method === "POST") return token === null ? unauthorized() : await create(req, deps);
    if (req.method === "GET") return token === null ? unauthorized() : list(url, deps.store);
    return json(405, { detail: "Method Not Allowed" }, { allow: "GET, POST" });
  }
  if (byId) {
    if (req.method !== "GET") return json(405, { detail: "Method Not Allowed" }, { allow: "GET" });
    return token === null ? unauthorized() : get(decodeURIComponent(byId[1]), deps.store);
  }
  return json(404, { detail: "Not Found" });
}

async function create(req: Request, deps: ApiDeps): Promise<Response> {
  let raw: unknown;
  const text = await req.text();
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return validationError("RequestValidationError", [{
      type: "json_invalid",
      loc: ["body", 0],
      msg: "JSON decode error",
      input: {},
      ctx: { error: (e as Error).message },
    }]);
  }
  const validated = validateCheckoutCreate(raw, deps.store.products);
  if (!validated.ok) return validationError(validated.error, validated.detail);
  if (validated.body.customer_id && !deps.store.customers.has(validated.body.customer_id)) {
    return validationError("PolarRequestValidationError", [{
      type: "value_error",
      loc: ["body", "customer_id"],
      msg: "Customer does not exist.",
      input: validated.body.customer_id,
    }]);
  }
  const headers = Object.fromEntries(
    [...req.headers].filter(([name]) => name !== "authorization"),
  );
  const [checkout, events] = deps.store.createCheckout(validated.body, {
    body: raw,
    headers,
    frontendUrl: deps.frontendUrl(req),
  });
  await deps.emit(events);
  return json(201, checkout);
}

function get(id: string, store: Store): Response {
  if (!/^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$/i.test(id)) {
    const error = `invalid length: expected length 32 for simple format, found ${
      id.replaceAll("-", "").length
    }`;
    return validationError("RequestValidationError", [{
      type: "uuid_parsing",
      loc: ["path", "id"],
      msg: `Input should be a valid UUID, ${error}`,
      input: id,
      ctx: { error },
    }]);
  }
  const recorded = store.checkouts.get(id.toLowerCase());
  if (!recorded) return json(404, { error: "ResourceNotFound", detail: "Not found" });
  return json(200, recorded.checkout);
}

// GET /v1/checkouts/: the SDK's listCheckouts filters, sorted newest first (its default sorting).
function list(url: URL, store: Store): Response {
  const q = url.searchParams;
  const filters: [string, (c: Checkout) => string | null][] = [
    ["external_customer_id", (c) => c.external_customer_id],
    ["customer_id", (c) => c.customer_id],
    ["product_id", (c) => c.product_id],
    ["status", (c) => c.status],
    ["organization_id", (c) => c.organization_id],
  ];
  let items = [...store.checkouts.values()].map((r) => r.checkout);
  for (const [name, field] of filters) {
    const wanted = q.getAll(name);
    if (wanted.length > 0) items = items.filter((c) => wanted.includes(field(c) ?? ""));
  }
  items.sort((a, b) => b.created_at.localeCompare(a.created_at));
  const limit = Math.min(Math.max(Number(q.get("limit") ?? 10) || 10, 1), 100);
  const page = Math.max(Number(q.get("page") ?? 1) || 1, 1);
  return json(200, {
    items: items.slice((page - 1) * limit, page * limit),
    pagination: {
      total_count: items.length,
      max_page: Math.max(1, Math.ceil(items.length / limit)),
    },
  });
}

/** fastapi.security.utils.get_authorization_scheme_param, then "bearer" and ASCII only. */
function bearerToken(header: string | null): string | null {
  if (!header) return null;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const value = rest.join(" ");
  if (
    scheme.toLowerCase() !== "bearer" || !value || [...value].some((c) => c.charCodeAt(0) > 127)
  ) return null;
  return value;
}

function unauthorized(): Response {
  return json(401, { error: "Unauthorized", detail: "Unauthorized" }, {
    "www-authenticate": 'Bearer realm="polar"',
  });
}

function invalidToken(): Response {
  return json(401, { error: "invalid_token", error_description: INVALID_TOKEN }, {
    "cache-control": "no-store",
    pragma: "no-cache",
    "www-authenticate":
      `Bearer realm="polar", error="invalid_token", error_description="${INVALID_TOKEN}"`,
  });
}

function validationError(error: string, detail: ValidationErrorDetail[]): Response {
  return json(422, { error, detail });
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return Response.json(body, { status, headers });
}
