// The local stand-in for PostgREST at API_URL/rest/v1 (what supabase-js's postgrest-js talks to).
// Each request: the gateway's apikey check, PostgREST's JWT check, then ONE transaction on a
// connection logged in as `authenticator` that sets search_path, role, request.jwt.claims,
// request.method, request.path, request.headers and request.cookies (transaction-local, as
// PostgREST's txVarQuery does), runs the read, write or function call, and commits (rolls back on
// error). Read-only transactions for GET/HEAD and for POST to stable/immutable functions.
import postgres from "npm:postgres@3.4.9";
import type { ApiKeys } from "../keys.ts";
import { GatewayRefusal, identify, type Identity } from "./auth.ts";
import { findRelation, findRoutines } from "./catalog.ts";
import {
  invalidBody,
  invalidPath,
  invalidRange,
  invalidRpcMethod,
  notImplemented,
  PgrstError,
  singularity,
  tableNotFound,
  toPgrstError,
  unacceptableSchema,
  unsupportedMethod,
} from "./errors.ts";
import { readStatement, type Statement } from "./read.ts";
import { mutateStatement, type Mutation } from "./mutate.ts";
import {
  type MediaType,
  negotiate,
  parsePrefer,
  parseQuery,
  type Preferences,
  type ReadQuery,
  restrictRange,
} from "./request.ts";
import { callStatement, chooseRoutine } from "./rpc.ts";
import { ident } from "./sql.ts";

export interface RestOptions {
  /** Connection string for role `authenticator`. */
  dbUrl: string;
  jwtSecret: string;
  keys: ApiKeys;
  /** `[api] schemas` of supabase/config.toml; the first is the default. */
  schemas: string[];
  extraSearchPath: string[];
  maxRows: number | null;
  poolSize?: number;
}

interface ResultRow {
  total: string | null;
  page_total: string;
  body: string;
}

interface Prepared {
  st: Statement;
  voidResult: boolean;
  /** Read-only after all (POST to a stable/immutable function): switched to before the call. */
  readOnly: boolean;
  /** A single object was asked for: any other row count is an error and rolls back. */
  singular: boolean;
  mutation?: Mutation;
}
type Plan = (tx: postgres.TransactionSql) => Promise<Prepared>;

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type, prefer, range, " +
    "accept-profile, content-profile, x-supabase-api-version",
  "access-control-allow-methods": "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD",
  "access-control-expose-headers": "content-range, content-profile, content-location",
};

export function createRest(opts: RestOptions) {
  const sql = postgres(opts.dbUrl, {
    max: opts.poolSize ?? 4,
    prepare: false, // every request's text differs; unnamed statements keep nothing per connection
    onnotice: () => {},
    connection: { application_name: "local-rest" },
  });

  async function handle(req: Request, path: string): Promise<Response> {
    if (req.method === "OPTIONS") return new Response(null, { status: 200, headers: cors });
    let who: Identity | null = null;
    try {
      const url = new URL(req.url);
      who = await identify(req, url, opts.jwtSecret, opts.keys);
      const res = await route(req, url, path, who);
      for (const [k, v] of Object.entries(cors)) res.headers.set(k, v);
      return res;
    } catch (e) {
      if (e instanceof GatewayRefusal) return e.response();
      return toPgrstError(e, who?.authed ?? false).response();
    }
  }

  function schemaOf(req: Request): string {
    const readLike = req.method === "GET" || req.method === "HEAD";
    const asked = req.headers.get(readLike ? "accept-profile" : "content-profile");
    if (asked !== null && !opts.schemas.includes(asked)) throw unacceptableSchema(asked, opts.schemas);
    return asked ?? opts.schemas[0];
  }

  async function route(req: Request, url: URL, path: string, who: Identity): Promise<Response> {
    const schema = schemaOf(req);
    const head = req.method === "HEAD";
    const media = negotiate(req.headers.get("accept"));
    const prefer = parsePrefer(req.headers);
    const count = prefer.count !== null;
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (segments.length === 0) throw notImplemented("The OpenAPI description at /rest/v1/");
    let plan: Plan;
    let query: ReadQuery;
    if (segments[0] === "rpc" && segments.length === 2) {
      const fn = segments[1];
      const post = req.method === "POST";
      if (!post && req.method !== "GET" && !head) throw invalidRpcMethod(req.method);
      query = parseQuery(url.searchParams, req.headers.get("range"), !post);
      const args: Record<string, unknown> = post ? await bodyArgs(req) : query.args;
      const q = query;
      plan = async (tx) => {
        const routine = chooseRoutine(schema, fn, await findRoutines(tx, schema, fn), Object.keys(args), post);
        const st = callStatement(routine, args, restricted(q), media, count, post);
        return {
          st,
          voidResult: routine.returns === "void",
          readOnly: !post || routine.volatility !== "v",
          singular: media.singular,
        };
      };
    } else if (segments.length === 1 && req.method in mutations) {
      const mutation = mutations[req.method];
      query = parseQuery(url.searchParams, req.headers.get("range"), false);
      const body = mutation === "delete" ? null : await jsonBody(req);
      const q = query;
      plan = async (tx) => {
        const rel = await findRelation(tx, schema, segments[0]);
        if (!rel) throw tableNotFound(schema, segments[0]);
        const st = mutateStatement(rel, mutation, body, q, url.searchParams, prefer, media);
        return { st, voidResult: false, readOnly: false, mutation, singular: media.singular && prefer.returnRepresentation };
      };
      const { row } = await run(req, path, schema, who, plan, false);
      return mutationAnswer(row, mutation, prefer, media, schema);
    } else if (segments.length === 1) {
      if (req.method === "PUT") throw notImplemented("PUT on a table or view (upsert of one row by primary key)");
      if (!["GET", "HEAD"].includes(req.method)) throw unsupportedMethod(req.method);
      query = parseQuery(url.searchParams, req.headers.get("range"), false);
      const q = query;
      plan = async (tx) => {
        const rel = await findRelation(tx, schema, segments[0]);
        if (!rel) throw tableNotFound(schema, segments[0]);
        return { st: readStatement(rel, restricted(q), media, count), voidResult: false, readOnly: true, singular: media.singular };
      };
    } else {
      throw invalidPath();
    }
    const { row, voidResult } = await run(req, path, schema, who, plan, !(segments[0] === "rpc" && req.method === "POST"));
    return answer(row, voidResult, query.range, media, head, schema);
  }

  function restricted(q: ReadQuery): ReadQuery {
    return { ...q, range: restrictRange(q.range, opts.maxRows) };
  }

  async function run(req: Request, path: string, schema: string, who: Identity, plan: Plan, readOnly: boolean) {
    // A POST /rpc starts read-write and becomes read-only once the function is known to be
    // stable or immutable (PostgreSQL allows that switch before any write).
    return await sql.begin(readOnly ? "read only" : "read write", async (tx) => {
      const { st, voidResult, readOnly: callReadOnly, singular } = await plan(tx);
      if (callReadOnly && !readOnly) await tx`set transaction read only`;
      const searchPath = [schema, ...opts.extraSearchPath].map(ident).join(", ");
      const headers = JSON.stringify(Object.fromEntries([...req.headers].map(([k, v]) => [k.toLowerCase(), v])));
      await tx`select set_config('search_path', ${searchPath}, true), set_config('role', ${who.role}, true),
        set_config('request.jwt.claims', ${JSON.stringify(who.claims)}, true),
        set_config('request.method', ${req.method}, true), set_config('request.path', ${path}, true),
        set_config('request.headers', ${headers}, true),
        set_config('request.cookies', ${JSON.stringify(cookies(req))}, true)`;
      const [row] = await tx.unsafe<ResultRow[]>(st.text, st.params);
      if (singular && Number(row.page_total) !== 1) throw singularity(Number(row.page_total));
      return { row, voidResult };
    });
  }

  return {
    handle,
    /** A round trip through the pool as authenticator, for the gateway's health answer. */
    async ping(): Promise<boolean> {
      try {
        await sql`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await sql.end({ timeout: 1 });
    },
  };
}

function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

const mutations: Record<string, Mutation> = { POST: "insert", PATCH: "update", DELETE: "delete" };

async function jsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw invalidBody("Empty or invalid json");
  }
}

/** Insert: 201; update/delete: 200 with the rows, 204 without; `Content-Range` as PostgREST. */
function mutationAnswer(row: ResultRow, mutation: Mutation, prefer: Preferences, media: MediaType, schema: string) {
  const n = Number(row.page_total);
  const total = prefer.count ? String(n) : "*";
  const range = mutation === "insert" || n === 0 ? "*" : `0-${n - 1}`;
  const headers: Record<string, string> = { "content-range": `${range}/${total}`, "content-profile": schema };
  if (!prefer.returnRepresentation) return new Response(null, { status: mutation === "insert" ? 201 : 204, headers });
  headers["content-type"] = media.contentType;
  return new Response(row.body, { status: mutation === "insert" ? 201 : 200, headers });
}

async function bodyArgs(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  const type = (req.headers.get("content-type") ?? "application/json").split(";")[0].trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidBody("Empty or invalid json");
  }
  if (Array.isArray(body)) throw notImplemented("Calling a function with a JSON array body (bulk call)");
  if (body === null || typeof body !== "object") throw invalidBody("Empty or invalid json");
  return body as Record<string, unknown>;
}

/** PostgREST's rangeStatusHeader, Content-Range and body for a read or a call. */
function answer(row: ResultRow, voidResult: boolean, range: { offset: number }, media: MediaType, head: boolean,
  schema: string): Response {
  const pageTotal = Number(row.page_total);
  const total = row.total === null ? null : Number(row.total);
  const lower = range.offset;
  const upper = lower + pageTotal - 1;
  const rangeText = total !== 0 && lower <= upper ? `${lower}-${upper}` : "*";
  const headers: Record<string, string> = {
    "content-range": `${rangeText}/${total ?? "*"}`,
    "content-profile": schema,
  };
  if (voidResult) return new Response(null, { status: 204, headers });
  if (total !== null && lower > total) {
    const e = invalidRange(`An offset of ${lower} was requested, but there are only ${total} rows.`);
    return new PgrstError(e.status, e.code, e.message, e.details, null, headers).response();
  }
  const status = total !== null && pageTotal < total ? 206 : 200;
  headers["content-type"] = media.contentType;
  return new Response(head ? null : row.body, { status, headers });
}
