// Small wrappers over Deno.Command so every external step reports what failed and how.

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Run as this OS user (through runuser) when we are root. */
  asUser?: string;
  stdin?: string;
}

const isRoot = () => Deno.uid?.() === 0;

export async function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  let program = cmd;
  let argv = args;
  if (opts.asUser && isRoot()) {
    program = "runuser";
    argv = ["-u", opts.asUser, "--", cmd, ...args];
  }
  const child = new Deno.Command(program, {
    args: argv,
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs a command and throws an Error naming the step and showing its output when it fails. */
export async function runOrThrow(
  step: string,
  cmd: string,
  args: string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const output = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-30).join("\n");
    throw new StackError(`${step} failed (exit ${r.code}):\n${output}`);
  }
  return r;
}

/** An error meant for the person at the terminal: printed without a stack trace. */
export class StackError extends Error {
  override name = "StackError";
}

export async function isPortFree(port: number): Promise<boolean> {
  try {
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    l.close();
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) return false;
    throw e;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof StackError) throw e; // a definite failure, not "not ready yet"
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new StackError(`${what} did not become healthy within ${timeoutMs / 1000}s`);
}
