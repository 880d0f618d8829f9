// A workspace's backfill, live, as an app shows it with supabase-js in the browser (docs/client.md,
// docs/realtime.md): join the private topic workspace:<id>:backfill, read the status views once,
// apply each backfill_progress broadcast to the per-type counts (and a repository's percent,
// computed from them), and re-read the views (the job's percent and ETA, errors) at most once a
// second while broadcasts come in.
//
// Address: ?api=<API_URL>&key=<anon or publishable key>&workspace=<uuid>[&job=<uuid>]
//          #access_token=<the signed-in user's access token>
// A real app gets the token from supabase.auth (signInWithPassword, OAuth…) instead.

const TYPES = ["repository", "pull_requests", "issues", "discussions", "commits", "stars", "forks"];
const LABEL = {
  repository: "metadata",
  pull_requests: "pull requests",
  issues: "issues",
  discussions: "discussions",
  commits: "commits",
  stars: "star days",
  forks: "forks",
};
const TERMINAL = ["completed", "completed_with_errors", "failed", "cancelled"];

const query = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const config = {
  api: query.get("api"),
  key: query.get("key"),
  workspace: query.get("workspace"),
  job: query.get("job"),
  token: fragment.get("access_token"),
};

const $ = (id) => document.getElementById(id);
const fmt = (n) => Number(n ?? 0).toLocaleString("en-US");

/** What the page knows: the job row and, per repository task, its row and its data types. */
const state = { job: null, repos: new Map(), jobId: config.job };

function setState(s, text) {
  document.body.dataset.state = s;
  if (text !== undefined) $("connection").textContent = text;
}

function fail(what, error) {
  setState("error", `${what}: ${error.message ?? error}${error.code ? ` (${error.code})` : ""}`);
  throw error instanceof Error ? error : new Error(error.message);
}

const client = config.api && config.key && config.workspace && config.token
  ? globalThis.supabase.createClient(config.api, config.key, { accessToken: () => Promise.resolve(config.token) })
  : null;

async function newestJobId() {
  const { data, error } = await client.from("backfill_job_status").select("job_id")
    .eq("workspace_id", config.workspace).order("created_at", { ascending: false }).limit(1);
  if (error) fail("reading backfill_job_status", error);
  return data[0]?.job_id ?? null;
}

/** Reads the three views of the current job and replaces what the page shows. */
async function loadJob() {
  const id = state.jobId;
  const [job, repos, types] = await Promise.all([
    client.from("backfill_job_status").select("*").eq("job_id", id).maybeSingle(),
    client.from("backfill_repository_status").select("*").eq("job_id", id).order("task_id"),
    client.from("backfill_data_type_status").select("*").eq("job_id", id).order("task_id"),
  ]);
  for (const [name, r] of [["backfill_job_status", job], ["backfill_repository_status", repos], ["backfill_data_type_status", types]]) {
    if (r.error) fail(`reading ${name}`, r.error);
  }
  if (id !== state.jobId) return; // another job was chosen meanwhile
  state.job = job.data;
  for (const row of repos.data) {
    const known = state.repos.get(row.task_id);
    state.repos.set(row.task_id, { row, types: known?.types ?? new Map() });
  }
  for (const t of types.data) {
    const repo = state.repos.get(t.task_id);
    if (!repo) continue;
    const known = repo.types.get(t.data_type);
    // Counts only grow: a read answered after a newer broadcast must not take them back.
    repo.types.set(t.data_type, {
      status: known?.status === "completed" ? "completed" : t.status,
      done: Math.max(known?.done ?? 0, t.items_done),
      estimate: t.estimated_total ?? known?.estimate ?? null,
      error: t.last_error,
    });
  }
  render();
}

let refreshTimer = null;
let lastRead = 0;
/** A re-read of the views, at most once a second however many broadcasts arrive. */
function scheduleRefresh() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    lastRead = Date.now();
    await loadJob();
  }, Math.max(0, 1000 - (Date.now() - lastRead)));
}

async function follow(jobId) {
  state.jobId = jobId;
  state.job = null;
  state.repos = new Map();
  await loadJob();
}

function onProgress(p) {
  if (p.job_id !== state.jobId) {
    // A new job starts: follow it when nothing (or only an ended job) is on the page.
    if (!config.job && (!state.job || TERMINAL.includes(state.job.status))) follow(p.job_id);
    return;
  }
  const repo = state.repos.get(p.task_id);
  if (!repo) return scheduleRefresh();
  const known = repo.types.get(p.data_type);
  repo.types.set(p.data_type, {
    status: p.done ? "completed" : "running",
    done: Math.max(known?.done ?? 0, p.items_done),
    estimate: p.estimated_total ?? known?.estimate ?? null,
    error: null,
  });
  render();
  scheduleRefresh();
}

function onFinished(f) {
  if (f.job_id === state.jobId) loadJob();
}

/** A repository's percent from the counts the page shows, as the views define it: the mean over
 * its non-skipped types of done / estimate (a completed type 1, no estimate yet 0). Broadcasts
 * move it at once; the view's own figure would lag until the next read. */
function repoPercent(row, perType) {
  const types = [...perType.values()].filter((t) => t.status !== "skipped");
  if (row.status === "completed" || (types.length && types.every((t) => t.status === "completed"))) return 100;
  if (!types.length) return 0;
  const sum = types.reduce((n, t) => n + (t.status === "completed" ? 1 : t.estimate > 0 ? Math.min(1, t.done / t.estimate) : 0), 0);
  return Math.floor((1000 * sum) / types.length) / 10;
}

function countCell(t) {
  const td = document.createElement("td");
  td.className = `count ${t?.status ?? "pending"}`;
  if (!t || t.status === "skipped") td.textContent = "—";
  else if (t.status === "completed") td.textContent = `✓ ${fmt(t.done)}`;
  // No made-up total before GitHub gave an estimate.
  else if (t.estimate) td.textContent = `${fmt(t.done)} / ${fmt(t.estimate)}`;
  else td.textContent = t.done ? `${fmt(t.done)}…` : t.status === "failed" ? "✗" : "…";
  if (t?.status) td.title = t.error ?? t.status;
  return td;
}

function render() {
  const job = state.job;
  $("empty").hidden = !!job;
  $("job").hidden = !job;
  $("repos").hidden = !job;
  if (!job) return;
  const percent = Number(job.percent ?? 0);
  $("job-title").textContent = `${job.kind} backfill · ${job.window_days} days`;
  $("job-status").textContent = job.status.replaceAll("_", " ");
  $("job-status").className = `badge ${job.status}`;
  $("job-bar").style.width = `${percent}%`;
  $("job-bar").parentElement.setAttribute("aria-valuenow", String(percent));
  $("job-percent").textContent = `${percent}%`;
  const eta = job.eta_seconds !== null && !TERMINAL.includes(job.status) ? ` · about ${job.eta_seconds} s left` : "";
  $("job-summary").textContent = `${job.completed_tasks} of ${job.total_tasks} repositories done` +
    (job.failed_tasks ? `, ${job.failed_tasks} failed` : "") + ` · ${fmt(job.items_done)} items · ${fmt(job.points_used)} GitHub points${eta}`;
  setState(TERMINAL.includes(job.status) ? "finished" : "live", TERMINAL.includes(job.status)
    ? `Finished ${new Date(job.finished_at ?? Date.now()).toLocaleTimeString()}`
    : "Live");

  const types = TYPES.filter((t) => (job.data_types ?? TYPES).includes(t));
  const head = $("repos-head");
  head.replaceChildren(...["Repository", "Progress", ...types.map((t) => LABEL[t])].map((h) => {
    const th = document.createElement("th");
    th.textContent = h;
    return th;
  }));
  const rows = [...state.repos.values()].map(({ row, types: perType }) => {
    const tr = document.createElement("tr");
    tr.className = row.status;
    tr.dataset.repository = row.full_name ?? "";
    const name = document.createElement("td");
    name.className = "repo";
    name.textContent = row.full_name ?? row.tracked_repository_id;
    const progress = document.createElement("td");
    const mini = document.createElement("span");
    mini.className = "mini";
    const fill = document.createElement("span");
    const p = repoPercent(row, perType);
    fill.style.width = `${row.status === "failed" ? 100 : p}%`;
    mini.append(fill);
    progress.append(mini, row.status === "failed" ? "failed" : row.status === "pending" && p === 0 ? "queued" : `${p}%`);
    tr.append(name, progress, ...types.map((t) => countCell(perType.get(t))));
    return tr;
  });
  $("repos-body").replaceChildren(...rows);

  const errors = [...state.repos.values()].filter(({ row }) => row.last_error).map(({ row }) => {
    const li = document.createElement("li");
    const b = document.createElement("strong");
    b.textContent = row.full_name ?? row.tracked_repository_id;
    li.append(b, `: ${row.last_error}`);
    return li;
  });
  $("errors").hidden = errors.length === 0;
  $("error-list").replaceChildren(...errors);
}

async function main() {
  if (!client) {
    setState("error", "Open this page with ?api=…&key=…&workspace=…#access_token=… (npm start prints such a link).");
    return;
  }
  const topic = `workspace:${config.workspace}:backfill`;
  $("topic").textContent = topic;
  // The token must reach Realtime before the join: a private topic refuses anon.
  await client.realtime.setAuth();
  await new Promise((resolve, reject) => {
    client.channel(topic, { config: { private: true } })
      .on("broadcast", { event: "backfill_progress" }, ({ payload }) => onProgress(payload))
      .on("broadcast", { event: "backfill_finished" }, ({ payload }) => onFinished(payload))
      .subscribe((status, err) => {
        if (status === "SUBSCRIBED") resolve();
        if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") {
          reject(new Error(`not allowed to follow this workspace (${status}): ${err?.message ?? "no reason given"}`));
        }
      });
  }).catch((e) => fail("joining the workspace's topic", e));
  state.jobId = config.job ?? await newestJobId();
  if (state.jobId) await loadJob();
  else {
    render();
    setState("waiting", "Live · waiting for a backfill");
  }
}

main().catch((e) => console.error(e));
