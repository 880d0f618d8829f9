// `npm start`: the stack up with every piece's health printed, then the main job (dev/demo.ts) as
// a client: the demo owner buys the addon through polar-checkout and the Polar simulator, follows
// the job on Realtime and reads the views with supabase-js; then the comparison with the GitHub
// simulator's ground truth. On a terminal the progress page (examples/progress-page) is served
// too, and the stack stays up with its URLs until Ctrl-C; otherwise it is stopped and the exit
// code says whether the job finished and the database matched the ground truth.
import type { StackConfig } from "./stack/config.ts";
import { apiUrl, dbUrl, functionsUrl, githubUrl } from "./stack/config.ts";
import { signKey } from "./stack/keys.ts";
import { polarTarget } from "./stack/polar-sim.ts";
import { down, envLines, status, up } from "./stack/stack.ts";
import { type ProgressPageServer, serveProgressPage } from "../examples/progress-page/serve.ts";

/** The progress page's port for `npm start` on a terminal: PROGRESS_PAGE_PORT, by default the
 * GitHub simulator's port + 20 (54360). */
function pagePort(c: StackConfig): number {
  const raw = Deno.env.get("PROGRESS_PAGE_PORT") ?? String(c.githubPort + 20);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 65535) {
    throw new RangeError(`PROGRESS_PAGE_PORT=${raw} is not a usable port: give an integer between 1024 and 65535`);
  }
  return n;
}

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

  // On a terminal, the reference progress page (examples/progress-page) watches the same job.
  let page: ProgressPageServer | null = null;
  if (ok && interactive) {
    try {
      page = serveProgressPage({ apiUrl: apiUrl(c), anonKey: await signKey(c.jwtSecret, "anon"), port: pagePort(c) });
    } catch (e) {
      log(`the progress page did not start (${(e as Error).message}); set PROGRESS_PAGE_PORT=<port>`);
    }
  }

  if (ok && !interrupted.signal.aborted) {
    try {
      const { runDemo } = await import("./demo.ts");
      const polar = polarTarget(c, await readFunctionsEnv());
      ok = await runDemo(
        {
          dbUrl: dbUrl(c),
          apiUrl: apiUrl(c),
          anonKey: await signKey(c.jwtSecret, "anon"),
          jwtSecret: c.jwtSecret,
          functionsUrl: functionsUrl(c),
          githubApiUrl: realGithub ?? githubUrl(c),
          polarApiUrl: polar.url,
          polarSimulated: polar.simulated,
        },
        { interactive, signal: interrupted.signal, repos: opts.repos, pageUrl: page ? (w, t) => page!.urlFor(w, t) : undefined },
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
    if (page) console.log(`The progress page is served on ${page.url} (its link for the demo workspace is above).`);
    console.log("Press Ctrl-C to stop it.");
    await new Promise<void>((resolve) => {
      if (interrupted.signal.aborted) resolve();
      interrupted.signal.addEventListener("abort", () => resolve());
    });
  }
  if (interrupted.signal.aborted) say("\nstopping the stack");
  await page?.close().catch(() => {});
  await down(c, log);
  Deno.removeSignalListener("SIGINT", onSigint);
  Deno.removeSignalListener("SIGTERM", onSigint);
  Deno.removeSignalListener("SIGHUP", onSighup);
  if (interrupted.signal.aborted && !interactive) return 130;
  return ok ? 0 : 1;
}
