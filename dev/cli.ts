// The project's local command line: `npm run stack:up|stack:down|stack:status|stack:reset`,
// `npm test`, `npm start`, `npm run types`, `npm run db:diff`. Argument parsing uses node:util's
// parseArgs (built into Deno and Node, so no extra dependency).
import { parseArgs } from "node:util";
import { type Profile, stackConfig } from "./stack/config.ts";
import { StackError } from "./stack/proc.ts";
import { down, envLines, reset, status, up } from "./stack/stack.ts";
import { checkTypes, writeTypes } from "./stack/types.ts";

const log = (s: string) => console.error(`• ${s}`);

const usage = `usage: deno run -A dev/cli.ts <command> [options]   (npm run stack:up, … run these)

commands:
  up          start the local stack in the background (a new dev cluster gets supabase/seed.sql);
              prints KEY=value lines when healthy. With the database already up, starts the services.
  down        stop everything (services, function processes, PostgreSQL); frees every port
  status      health of each piece, what to run when one is down; KEY=value lines when healthy
  reset       down, remove the cluster and its state, up again with supabase/seed.sql
  types       regenerate types/database.ts from the running database (--check: compare only)
  db:diff <name>  write a migration from the difference between supabase/schemas and the migrations
  test        what npm test runs: a throwaway stack (profile test), pgTAP and deno test
  start       what npm start runs: the stack and the demo job (--repos owner/name,…)

options:
  --profile dev|test   dev (ports STACK_DB_PORT/STACK_API_PORT/STACK_GITHUB_PORT, default 54322/54321/54340)
                       or test (STACK_TEST_DB_PORT/…, default 54422/54421/54440)
  --fresh              up: remove the cluster's data first
  --db-only            up: the database only, no services
  --no-seed            up: do not apply supabase/seed.sql to a new dev cluster
  --check              types: fail when types/database.ts is stale
  -h, --help           this text`;

let parsed;
try {
  parsed = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      profile: { type: "string", default: "dev" },
      fresh: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      "db-only": { type: "boolean", default: false },
      "no-seed": { type: "boolean", default: false },
      repos: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (e) {
  console.error(`${(e as Error).message}\n\n${usage}`);
  Deno.exit(2);
}
const { positionals, values } = parsed;
const command = values.help ? "help" : positionals[0] ?? "help";
if (values.profile !== "dev" && values.profile !== "test") {
  console.error(`--profile must be dev or test, not ${values.profile}`);
  Deno.exit(2);
}
const c = stackConfig(values.profile as Profile);

async function main(): Promise<number> {
  switch (command) {
    case "up": {
      await up(c, log, { fresh: values.fresh, dbOnly: values["db-only"], seed: c.profile === "dev" && !values["no-seed"] });
      console.log(await envLines(c));
      return 0;
    }
    case "reset": {
      await reset(c, log);
      console.log(await envLines(c));
      return 0;
    }
    case "down":
      await down(c, log);
      return 0;
    case "status": {
      const s = await status(c);
      console.log(s.lines.join("\n"));
      if (s.healthy) console.log(await envLines(c));
      return s.healthy ? 0 : 1;
    }
    case "types": {
      if (values.check) return (await checkTypes(c)) ? 0 : 1;
      await writeTypes(c);
      return 0;
    }
    case "db:diff": {
      const { writeMigrationFromDiff } = await import("./stack/schema_diff.ts");
      const name = positionals[1];
      if (!name) {
        console.error("usage: npm run db:diff -- <migration_name>   (lowercase snake_case)");
        return 2;
      }
      const file = await writeMigrationFromDiff(name, log);
      if (file) console.log(`wrote ${file}: read it, then commit it with the schema change`);
      return 0;
    }
    case "test": {
      const { runTests } = await import("./test-runner.ts");
      return await runTests(log);
    }
    case "start": {
      const { parseRepoList, start } = await import("./start.ts");
      let repos: string[] | undefined;
      try {
        repos = parseRepoList(values.repos);
      } catch (e) {
        console.error((e as Error).message);
        return 2;
      }
      return await start(c, log, { repos });
    }
    case "help":
      console.log(usage);
      return 0;
    default:
      console.error(`unknown command ${JSON.stringify(command)}\n\n${usage}`);
      return 2;
  }
}

try {
  Deno.exit(await main());
} catch (e) {
  if (e instanceof StackError) {
    console.error(`✗ ${e.message}`);
    Deno.exit(1);
  }
  throw e;
}
