// The part of PostgREST's schema cache the local /rest/v1 needs, read from pg_catalog on each
// request (so a migration applied to a running stack is seen at once): the columns of a table or
// view, and the functions of a name with their parameters, volatility and return shape. Names
// from the URL are only ever compared with catalog values passed as parameters.
import type postgres from "npm:postgres@3.4.9";

type Tx = postgres.TransactionSql | postgres.Sql;

export interface Relation {
  schema: string;
  name: string;
  columns: Map<string, string>;
  /** Primary-key columns (the conflict target of an upsert without `on_conflict`). */
  primaryKey: string[];
}

export async function findRelation(tx: Tx, schema: string, name: string): Promise<Relation | null> {
  const rows = await tx<{ attname: string | null; type: string | null; pk: boolean }[]>`
    select a.attname, format_type(a.atttypid, a.atttypmod) as type,
      coalesce(a.attnum = any(i.indkey::int2[]), false) as pk
    from pg_catalog.pg_class c
    left join pg_catalog.pg_index i on i.indrelid = c.oid and i.indisprimary
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = ${schema} and c.relname = ${name} and c.relkind in ('r', 'v', 'm', 'f', 'p')
    order by a.attnum`;
  if (rows.length === 0) return null;
  const cols = rows.filter((r) => r.attname);
  return {
    schema,
    name,
    columns: new Map(cols.map((r) => [r.attname!, r.type!])),
    primaryKey: cols.filter((r) => r.pk).map((r) => r.attname!),
  };
}

export interface RoutineParam {
  name: string;
  type: string;
  required: boolean;
  variadic: boolean;
}

export type ReturnShape = "void" | "scalar" | "setof_scalar" | "composite" | "setof_composite";

export interface Routine {
  schema: string;
  name: string;
  params: RoutineParam[];
  volatility: "i" | "s" | "v";
  returns: ReturnShape;
  /** Columns of a composite result (for select/filters on the result). */
  columns: Map<string, string>;
}

interface ProcRow {
  oid: number;
  volatility: "i" | "s" | "v";
  retset: boolean;
  rettype: string;
  typtype: string;
  typrelid: number;
  nargs: number;
  ndefaults: number;
  argnames: string[] | null;
  argmodes: string[] | null;
  argtypes: string[];
  variadic: boolean;
}

export async function findRoutines(tx: Tx, schema: string, name: string): Promise<Routine[]> {
  const procs = await tx<ProcRow[]>`
    select p.oid::int as oid, p.provolatile::text as volatility, p.proretset as retset,
      p.prorettype::regtype::text as rettype, t.typtype::text as typtype, t.typrelid::int as typrelid,
      p.pronargs::int as nargs, p.pronargdefaults::int as ndefaults,
      p.proargnames as argnames, p.proargmodes::text[] as argmodes,
      array(select format_type(x, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
            with ordinality u(x, i) order by i) as argtypes,
      p.provariadic <> 0 as variadic
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    join pg_catalog.pg_type t on t.oid = p.prorettype
    where n.nspname = ${schema} and p.proname = ${name} and p.prokind = 'f'`;
  const out: Routine[] = [];
  for (const p of procs) out.push(await describe(tx, schema, name, p));
  return out;
}

async function describe(tx: Tx, schema: string, name: string, p: ProcRow): Promise<Routine> {
  const modes = p.argmodes ?? p.argtypes.map(() => "i");
  const names = p.argnames ?? [];
  const inputs: RoutineParam[] = [];
  const outputs = new Map<string, string>();
  modes.forEach((mode, i) => {
    const argName = names[i] ?? "";
    if (mode === "i" || mode === "b" || mode === "v") {
      inputs.push({ name: argName, type: p.argtypes[i], required: false, variadic: mode === "v" });
    }
    if (mode === "o" || mode === "b" || mode === "t") outputs.set(argName, p.argtypes[i]);
  });
  inputs.forEach((prm, i) => (prm.required = i < p.nargs - p.ndefaults));
  let columns = outputs;
  if (p.typrelid !== 0) {
    const cols = await tx<{ attname: string; type: string }[]>`
      select attname, format_type(atttypid, atttypmod) as type from pg_catalog.pg_attribute
      where attrelid = ${p.typrelid} and attnum > 0 and not attisdropped order by attnum`;
    columns = new Map(cols.map((c) => [c.attname, c.type]));
  }
  const composite = p.typtype === "c" || (p.rettype === "record" && outputs.size > 0);
  const returns: ReturnShape = p.rettype === "void"
    ? "void"
    : composite
    ? (p.retset ? "setof_composite" : "composite")
    : (p.retset ? "setof_scalar" : "scalar");
  return { schema, name, params: inputs, volatility: p.volatility, returns, columns };
}
