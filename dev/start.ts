// `npm start`: the stack up with every piece's health printed, then the main job. Until the
// backfill engine lands the main job is a smoke path through every piece.
import type { StackConfig } from "./stack/config.ts";
import { dbUrl, githubUrl } from "./stack/config.ts";
import { psql } from "./stack/postgres.ts";
import { down, envLines, status, up } from "./stack/stack.ts";

export async function start(c: StackConfig, log: (s: string) => void): Promise<number> {
  await up(c, log);
  const s = await status(c);
  console.log(s.lines.join("\n"));
  let ok = s.healthy;
  try {
    const gh = await fetch(`${githubUrl(c)}/graphql`, {
      method: "POST",
      headers: { authorization: "bearer local", "content-type": "application/json" },
      body: JSON.stringify({ query: "{ rateLimit { remaining } }" }),
    });
    const body = await gh.json();
    log(`GitHub simulator answered rateLimit.remaining=${body?.data?.rateLimit?.remaining}`);
    const v = await psql(c, "select extversion from pg_extension where extname = 'pgmq'");
    log(`database ${dbUrl(c)} has pgmq ${v.trim()}`);
  } catch (e) {
    ok = false;
    log(`smoke path failed: ${(e as Error).message}`);
  }
  if (!Deno.stdout.isTerminal()) {
    await down(c, log);
    return ok ? 0 : 1;
  }
  console.log(await envLines(c));
  console.log("\nThe stack is running. Press Ctrl-C to stop it.");
  await new Promise<void>((resolve) => {
    Deno.addSignalListener("SIGINT", () => resolve());
  });
  await down(c, log);
  return ok ? 0 : 1;
}
