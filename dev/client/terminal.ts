// The terminal picture of a backfill job (JobView from progress.ts): three lines for the job, one
// line per repository, then each failed (or retrying) repository's message once. Fits width × height (80 × 24
// by default): names and messages are shortened, repositories beyond the height are summed up in
// one line. Every percentage is the one of progress.ts; the counts beside it are its inputs.
import type { JobView, RepoLine } from "./progress.ts";

export const TYPE_LABEL: Record<string, string> = {
  repository: "metadata",
  pull_requests: "pull requests",
  issues: "issues",
  discussions: "discussions",
  commits: "commits",
  stars: "star days",
  forks: "forks",
};

export interface TerminalSize {
  width: number;
  height: number;
}

const n = (x: number) => x.toLocaleString("en-US");
const items = (x: number) => `${n(x)} ${x === 1 ? "item" : "items"}`;
const fmtSeconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

export function bar(percent: number, width: number): string {
  const full = Math.floor((Math.max(0, Math.min(100, percent)) / 100) * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

function fit(s: string, width: number): string {
  return [...s].length <= width ? s : [...s].slice(0, Math.max(0, width - 1)).join("") + "…";
}

const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - [...s].length));
const padStart = (s: string, w: number) => " ".repeat(Math.max(0, w - [...s].length)) + s;

/** What the line says after the bar: its counts, never "0/1"-like totals without an estimate. */
export function repoDetail(r: RepoLine): string {
  if (r.status === "failed") return "failed (message below)";
  if (r.status === "completed_with_errors") return "done with errors (below)";
  if (r.status === "cancelled") return `cancelled · ${items(r.itemsDone)}`;
  if (r.status === "completed") return `done · ${items(r.itemsDone)}`;
  if (r.note && !r.current) return `${r.typesDone}/${r.typesCounted} types · waiting to retry (message below)`;
  if (!r.current && r.typesDone === 0) return "queued";
  const parts = [`${r.typesDone}/${r.typesCounted} types`];
  if (r.current) {
    const label = TYPE_LABEL[r.current.dataType] ?? r.current.dataType;
    parts.push(
      r.current.estimate !== null && r.current.estimate > 0
        ? `${label} ${n(r.current.done)}/${n(r.current.estimate)}`
        : `${label} ${n(r.current.done)} so far`,
    );
  }
  return parts.join(" · ");
}

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : out.length ? indent + word : word;
    if (line && [...candidate].length > width) {
      out.push(line);
      line = indent + word;
    } else {
      line = candidate;
    }
  }
  if (line) out.push(line);
  return out.map((l) => fit(l, width));
}

/** Each failed (or retrying) repository's message once, wrapped; at most `max` lines. */
function messageBlock(repos: RepoLine[], width: number, max: number): string[] {
  const lines: string[] = [];
  for (const [i, r] of repos.entries()) {
    const text = r.status === "failed" ? `${r.name}: ${r.error ?? "failed without a message"}` : `${r.name} (retrying): ${r.note}`;
    const block = wrap(text, width, "    ");
    const left = repos.length - i;
    if (lines.length + block.length > max - (left > 1 ? 1 : 0)) {
      lines.push(fit(`… ${left} more messages: see backfill_repository_status (last_error)`, width));
      break;
    }
    lines.push(...block);
  }
  return lines;
}

/** The picture as lines, each at most `width` columns, at most `height` lines. */
export function renderJob(v: JobView, elapsedMs: number, size: TerminalSize = { width: 80, height: 24 }): string[] {
  const { width, height } = size;
  const what = [v.kind, v.windowDays !== null ? `${v.windowDays} days` : null].filter(Boolean).join(", ");
  const head = fit(`Job ${v.jobId.slice(0, 8)}${what ? ` (${what})` : ""} · ${v.status} · ${fmtSeconds(elapsedMs)}`, width);
  const eta = v.etaSeconds !== null ? ` · ETA ${v.etaSeconds} s` : "";
  const failed = v.failedRepositories ? `, ${v.failedRepositories} failed` : "";
  const jobBar = fit(
    `${bar(v.percent, 20)} ${padStart(`${v.percent}%`, 4)} · ${v.completedRepositories} of ${v.totalRepositories} ` +
      `repositories done${failed}${eta}`,
    width,
  );
  const totals = fit(`${n(v.itemsDone)} items stored · ${n(v.pointsUsed)} GraphQL points`, width);

  const nameWidth = Math.min(24, Math.max(12, ...v.repos.map((r) => [...r.name].length)));
  const repoLine = (r: RepoLine) => {
    const name = pad(fit(r.name, nameWidth), nameWidth);
    const meter = r.percent === null ? `${"✗".padEnd(10)}     ` : `${bar(r.percent, 10)} ${padStart(`${r.percent}%`, 4)}`;
    return fit(`${name} ${meter}  ${repoDetail(r)}`, width);
  };

  const failures = [...v.repos.filter((r) => r.status === "failed"), ...v.repos.filter((r) => r.note && !r.current)];
  const failureLines = messageBlock(failures, width, Math.max(2, Math.floor(height / 2) - 1));
  const titleLines = v.title ? ["", fit(v.title, width)] : [];
  const fixed = 4 + (failureLines.length ? failureLines.length + 1 : 0) + titleLines.length;
  const room = Math.max(1, height - fixed);
  let shown = v.repos;
  let rest: string[] = [];
  if (v.repos.length > room) {
    // Failed and running repositories first: they are what a reader watches.
    const rank = (r: RepoLine) => (r.status === "failed" ? 0 : r.status === "running" ? 1 : 2);
    const keep = new Set([...v.repos].sort((a, b) => rank(a) - rank(b)).slice(0, room - 1));
    shown = v.repos.filter((r) => keep.has(r));
    const hidden = v.repos.filter((r) => !keep.has(r));
    const count = (s: string) => hidden.filter((r) => r.status === s).length;
    rest = [fit(
      `… ${hidden.length} more repositories (${count("completed")} done, ${count("running")} running, ` +
        `${count("pending")} queued)`,
      width,
    )];
  }
  const lines = [head, jobBar, totals, "", ...shown.map(repoLine), ...rest];
  if (failureLines.length) lines.push("", ...failureLines);
  lines.push(...titleLines);
  return lines.slice(0, height);
}
