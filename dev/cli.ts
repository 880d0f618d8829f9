// The project's local command line: `npm run stack:up|stack:down|stack:status`, `npm test`,
// `npm start`, `npm run types`. Argument parsing uses node:util's parseArgs (built into Deno and
// Node, so no extra dependency).
import { parseArgs } from "node:util";
import { type Profile, stackConfig } from "./stack/config.ts";
import { StackError } from "./stack/proc.ts";
import { down, envLines, status, up } from "./stack/stack.ts";
import { checkTypes, writeTypes } from "./stack/types.ts";

const log = (s: string) => console.error(`• ${s}`);

const { positionals, values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    profile: { type: "string", default: "dev" },
    fresh: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    "db-only": { type: "boolean", default: false },
    repos: { type: "string" },
  },
});
const command = positionals[0] ?? "help";
if (values.profile !== "dev" && values.profile !== "test") {
  console.error(`--profile must be dev or test, not ${values.profile}`);
  Deno.exit(2);
}
const c = stackConfig(values.profile as Profile);

async function main(): Promise<number> {
  switch (command) {
    case "up": {
      await up(c, log, { fresh: values.fresh, dbOnly: values["db-only"] });
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
    default:
      console.error("usage: deno run -A dev/cli.ts <up|down|status|types|db:diff|test|start> [--profile dev|test]");
      return command === "help" ? 0 : 2;
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
