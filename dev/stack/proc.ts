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

/** Whether nothing listens on the port. Asked by connecting, not by binding: the stack's ports
 * lie in Linux's ephemeral range, so an outgoing connection of any process may hold one as its
 * local port for a while (TIME_WAIT), which would refuse a test bind although Postgres and the
 * gateway (SO_REUSEADDR) can listen there. */
export async function isPortFree(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.ConnectionRefused) return true;
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
