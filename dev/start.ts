// `npm start`: the stack up with every piece's health printed, then the main job (dev/demo.ts):
// a demo workspace, a signed addon purchase through the real polar-webhook function, the real
// engine path with live progress, a summary and the comparison with the simulator's ground truth.
// On a terminal the stack stays up with its URLs until Ctrl-C; otherwise it is stopped and the
// exit code says whether the job finished and the database matched the ground truth.
import type { StackConfig } from "./stack/config.ts";
import { dbUrl, functionsUrl, githubUrl } from "./stack/config.ts";
import { down, envLines, status, up } from "./stack/stack.ts";

/** `--repos owner/name,owner/name` → the list, or an error naming the bad entry. */
export function parseRepoList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const repos = raw.split(",").map((r) => r.trim()).filter(Boolean);
  const bad = repos.find((r) => !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(r));
  if (bad !== undefined || repos.length === 0) {
    throw new RangeError(
      `--repos takes owner/name[,owner/name…], got "${
        bad ?? raw
      }": e.g. --repos denoland/deno,supabase/supabase`,
    );
  }
  return repos;
}

export async function start(
  c: StackConfig,
  rawLog: (s: string) => void,
  opts: { repos?: string[] } = {},
): Promise<number> {
  const interactive = Deno.stdout.isTerminal();
  // Ctrl-C at any point stops what this command started. npm's wrappers (npm itself and the
  // `deno` package's node launcher) die on the same Ctrl-C, and the terminal they ran in may
  // then hang up (SIGHUP, writes failing): neither may interrupt stopping the stack.
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  const onSighup = () => {};
  Deno.addSignalListener("SIGINT", onSigint);
  Deno.addSignalListener("SIGTERM", onSigint);
  Deno.addSignalListener("SIGHUP", onSighup);
  const log = (s: string) => {
    try {
      rawLog(s);
    } catch { /* the terminal is gone */ }
  };
  const say = (s: string) => {
    try {
      console.log(s);
    } catch { /* the terminal is gone */ }
  };

  await up(c, log);
  // GITHUB_API_URL in the functions' secrets: no simulator runs, the worker talks to that API.
  const { readFunctionsEnv } = await import("./stack/functions-env.ts");
  const realGithub = (await readFunctionsEnv()).GITHUB_API_URL || null;
  const s = await status(c);
  console.log(s.lines.join("\n"));
  let ok = s.healthy ||
    (realGithub !== null &&
      s.lines.every((l) => l.startsWith("github-sim") || /\b(healthy|not used)\b/.test(l)));
  if (realGithub) {
    log(`GitHub: ${realGithub} (GITHUB_API_URL in the functions' secrets); no simulator`);
  }
  if (!ok) log("a piece of the stack is not healthy; see the lines above");

  if (ok && !interrupted.signal.aborted) {
    try {
      const { runDemo } = await import("./demo.ts");
      ok = await runDemo(
        {
          dbUrl: dbUrl(c),
          functionsUrl: functionsUrl(c),
          githubApiUrl: realGithub ?? githubUrl(c),
        },
        { interactive, signal: interrupted.signal, repos: opts.repos },
      );
    } catch (e) {
      ok = false;
      console.log(`\n✗ the main job failed: ${(e as Error).stack ?? e}`);
    }
  }

  if (interactive && !interrupted.signal.aborted) {
    console.log(`\n${await envLines(c)}`);
    console.log(
      `\nThe stack is running (database ${dbUrl(c)}, functions ${functionsUrl(c)}, GitHub ${
        realGithub ?? `simulator ${githubUrl(c)}`
      }).`,
    );
    console.log("Press Ctrl-C to stop it.");
    await new Promise<void>((resolve) => {
      if (interrupted.signal.aborted) resolve();
      interrupted.signal.addEventListener("abort", () => resolve());
    });
  }
  if (interrupted.signal.aborted) say("\nstopping the stack");
  await down(c, log);
  Deno.removeSignalListener("SIGINT", onSigint);
  Deno.removeSignalListener("SIGTERM", onSigint);
  Deno.removeSignalListener("SIGHUP", onSighup);
  if (interrupted.signal.aborted && !interactive) return 130;
  return ok ? 0 : 1;
}
