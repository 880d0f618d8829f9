// Reading what pg_prove and `deno test` print into one tally: passed, failed, skipped, and the
// lines that say why something counted as a failure. Nothing here runs a process.

export interface Tally {
  passed: number;
  failed: number;
  /** pgTAP `# SKIP` / `# TODO` assertions, deno's ignored tests and steps. */
  skipped: number;
  /** One line per failure the counts alone do not explain (printed with a ✗). */
  problems: string[];
}

export const emptyTally = (): Tally => ({ passed: 0, failed: 0, skipped: 0, problems: [] });

export function addTally(into: Tally, t: Tally): Tally {
  into.passed += t.passed;
  into.failed += t.failed;
  into.skipped += t.skipped;
  into.problems.push(...t.problems);
  return into;
}

export function closingLine(t: Tally): string {
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
}

// deno prints ANSI colours even when piped in some versions: the escape character is meant.
// deno-lint-ignore no-control-regex
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

// pg_prove --verbose names each file on a line of its own, padded with dots: "path.test.sql .. ".
const TAP_FILE = /^(\S+\.sql) \.+ ?$/;
const TAP_RESULT = /^\s*(not )?ok \d+\b(.*)$/;

interface TapFile {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  /** The plan was "1..0" (skip_all). */
  skippedAll: boolean;
  /** What pg_prove said at the end of the file ("ok", "Failed 1/3 subtests", "Dubious, …"). */
  verdict: string;
}

function tapFiles(output: string): TapFile[] {
  const files: TapFile[] = [];
  let cur: TapFile | null = null;
  for (const raw of stripAnsi(output).split("\n")) {
    const line = raw.trimEnd();
    const header = TAP_FILE.exec(line);
    if (header) {
      cur = { name: header[1], passed: 0, failed: 0, skipped: 0, skippedAll: false, verdict: "" };
      files.push(cur);
      continue;
    }
    if (!cur) continue;
    const r = TAP_RESULT.exec(line);
    if (r) {
      const directive = /#\s*(skip|todo)\b/i.exec(r[2]);
      if (directive) cur.skipped++;
      else if (r[1]) cur.failed++;
      else cur.passed++;
      continue;
    }
    if (/^1\.\.0\b/.test(line)) cur.skippedAll = true;
    else if (/^(ok|skipped\b.*|Failed \d+\/\d+ subtests|Dubious.*|No subtests run|All \d+ subtests passed)\s*$/.test(line)) {
      cur.verdict ||= line;
    }
  }
  return files;
}

/**
 * Counts pg_prove --verbose output. Every assertion is passed, failed or skipped (`# SKIP`,
 * `# TODO`); a file that died without a failed assertion (an SQL error, a plan mismatch) counts
 * as one failure, and so does a file whose assertions were all skipped: it proved nothing.
 */
export function tallyTap(output: string, exitCode: number): Tally {
  const t = emptyTally();
  for (const f of tapFiles(output)) {
    t.passed += f.passed;
    t.failed += f.failed;
    t.skipped += f.skipped;
    if (f.passed === 0 && f.failed === 0 && (f.skipped > 0 || f.skippedAll)) {
      t.failed++;
      t.problems.push(`pgTAP ${f.name}: every assertion was skipped, so the file proved nothing; make it run its assertions`);
    } else if (f.failed === 0 && f.verdict !== "ok") {
      t.failed++;
      t.problems.push(`pgTAP ${f.name}: ${f.verdict || "ended"} without a failed assertion (an SQL error or a plan mismatch; see its output above)`);
    }
  }
  if (exitCode !== 0 && t.failed === 0) {
    t.failed = 1;
    t.problems.push(`pg_prove exited ${exitCode} without a failed assertion or file; see its output above`);
  }
  return t;
}

export interface DenoSummary {
  passed: number;
  failed: number;
  ignored: number;
}

/** deno test's own summary line: "ok | 12 passed (3 steps) | 0 failed | 2 ignored (1 step) (2s)". */
export function denoSummary(output: string): DenoSummary | null {
  const plain = stripAnsi(output);
  const m = /(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored(?: \((\d+) steps?\))?)?/
    .exec(plain);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { passed: n(1), failed: n(3), ignored: n(5) + n(6) };
}

/** A deno test run as a tally; a run that ended without its summary line counts as one failure. */
export function tallyDeno(output: string, exitCode: number): Tally {
  const s = denoSummary(output);
  if (!s) {
    return exitCode === 0
      ? emptyTally()
      : { passed: 0, failed: 1, skipped: 0, problems: [`deno test exited ${exitCode} without a summary; see its output above`] };
  }
  const t: Tally = { passed: s.passed, failed: s.failed, skipped: s.ignored, problems: [] };
  if (exitCode !== 0 && t.failed === 0) {
    t.failed = 1;
    t.problems.push(`deno test exited ${exitCode} although no test failed; see its output above`);
  }
  return t;
}

/** The local files deno names in an error's location lines ("    at file:///…/x.ts:3:7"). */
export function erroringFiles(output: string): string[] {
  const found = new Set<string>();
  for (const m of stripAnsi(output).matchAll(/^\s*at (file:\/\/\/[^\s]+?)(?::\d+:\d+)?\s*$/gm)) {
    found.add(decodeURIComponent(new URL(m[1]).pathname));
  }
  return [...found].sort();
}

/** Did deno stop before running any test because the program failed to type-check or load? */
export function denoDidNotStart(output: string): boolean {
  const plain = stripAnsi(output);
  return denoSummary(plain) === null && /^error: (Type checking failed|Module not found|Relative import path|Import .* not a dependency)/m.test(plain);
}
