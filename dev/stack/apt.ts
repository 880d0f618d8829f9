// Installs the Debian packages the local stack (and npm test) need, once, when they are missing.
import { run, StackError } from "./proc.ts";

export const debianPackages = [
  "postgresql-15-cron",
  "postgresql-15-pgtap",
  "libtap-parser-sourcehandler-pgtap-perl",
];

/** Chromium for the progress page's browser test (npm test), not for the stack. */
export const browserPackages = ["chromium"];

async function missing(packages: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of packages) {
    const r = await run("dpkg-query", ["-W", "-f=${Status}", p]);
    if (r.code !== 0 || !r.stdout.includes("install ok installed")) out.push(p);
  }
  return out;
}

export async function ensureDebianPackages(log: (s: string) => void, packages = debianPackages): Promise<void> {
  const need = await missing(packages);
  if (need.length === 0) return;
  if (Deno.uid?.() !== 0) {
    throw new StackError(
      `Debian packages missing: ${need.join(", ")}. Run as root, or install them first: ` +
        `apt-get update && apt-get install -y ${need.join(" ")}`,
    );
  }
  log(`installing Debian packages: ${need.join(", ")} (apt-get)…`);
  const env = { ...Deno.env.toObject(), DEBIAN_FRONTEND: "noninteractive" };
  const update = await run("apt-get", ["update", "-qq"], { env });
  if (update.code !== 0) {
    throw new StackError(
      `apt-get update failed, so ${need.join(", ")} cannot be installed. Is the Debian mirror ` +
        `reachable from this machine? apt said:\n${update.stderr.trim().split("\n").slice(-5).join("\n")}`,
    );
  }
  const inst = await run("apt-get", ["install", "-y", "-qq", ...need], { env });
  if (inst.code !== 0) {
    throw new StackError(
      `apt-get install ${need.join(" ")} failed; check the Debian mirror and disk space. apt said:\n` +
        inst.stderr.trim().split("\n").slice(-5).join("\n"),
    );
  }
}
