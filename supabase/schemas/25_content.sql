-- GitHub content, keyed by GitHub databaseId so every write is an idempotent upsert. Each row
-- belongs to a repository (deleting it deletes the content). Readable by members of any
-- workspace that tracks the repository; written only by the service role (the engine).

create table public.contributors (
  id bigint primary key,                      -- GitHub databaseId of the user/bot/org
  node_id text not null unique,
  login text not null,
  avatar_url text,
  type text,                                  -- User, Bot, Organization, Mannequin
  updated_at timestamptz not null default now()
);
alter table public.contributors enable row level security;
revoke all on public.contributors from anon, authenticated;
grant select on public.contributors to authenticated;
grant all on public.contributors to service_role;
comment on table public.contributors is
  'GitHub accounts that authored content (public GitHub profile data), readable through the content the caller '
  'may read: authors of rows inside the caller''s repositories and retention.';

create index contributors_login_lower_idx on public.contributors (lower(login));

create table public.pull_requests (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  number int not null,
  title text not null,
  body text,
  state text not null
    constraint pull_requests_state_is_open_closed_or_merged check (state in ('OPEN', 'CLOSED', 'MERGED')),
  is_draft boolean not null default false,
  author_id bigint references public.contributors (id) on delete set null,
  labels jsonb not null default '[]'::jsonb,
  additions int,
  deletions int,
  changed_files int,
  created_at timestamptz not null,
  updated_at timestamptz,
  closed_at timestamptz,
  merged_at timestamptz,
  unique (repository_id, number)
);
comment on table public.pull_requests is 'GitHub pull requests by databaseId.';

create index pull_requests_repository_id_created_at_idx on public.pull_requests (repository_id, created_at);

create index pull_requests_author_id_idx on public.pull_requests (author_id);

create table public.reviews (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  pull_request_id bigint not null references public.pull_requests (id) on delete cascade,
  author_id bigint references public.contributors (id) on delete set null,
  state text not null
    constraint reviews_state_is_known
    check (state in ('PENDING', 'COMMENTED', 'APPROVED', 'CHANGES_REQUESTED', 'DISMISSED')),
  body text,
  submitted_at timestamptz
);
comment on table public.reviews is 'Pull request reviews.';

create index reviews_repository_id_submitted_at_idx on public.reviews (repository_id, submitted_at);

create index reviews_pull_request_id_idx on public.reviews (pull_request_id);

create table public.issues (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  number int not null,
  title text not null,
  body text,
  state text not null constraint issues_state_is_open_or_closed check (state in ('OPEN', 'CLOSED')),
  author_id bigint references public.contributors (id) on delete set null,
  labels jsonb not null default '[]'::jsonb,
  created_at timestamptz not null,
  updated_at timestamptz,
  closed_at timestamptz,
  unique (repository_id, number)
);
comment on table public.issues is 'GitHub issues by databaseId.';

create index issues_repository_id_created_at_idx on public.issues (repository_id, created_at);

-- GitHub's IssueComment covers both PR conversation comments and issue comments (one id space).
create table public.issue_comments (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  issue_id bigint references public.issues (id) on delete cascade,
  pull_request_id bigint references public.pull_requests (id) on delete cascade,
  author_id bigint references public.contributors (id) on delete set null,
  body text,
  created_at timestamptz not null,
  updated_at timestamptz,
  constraint issue_comments_belong_to_exactly_one_issue_or_pull_request
    check (num_nonnulls(issue_id, pull_request_id) = 1)
);
comment on table public.issue_comments is
  'Conversation comments on an issue or a pull request (GitHub IssueComment): exactly one parent.';

create index issue_comments_repository_id_created_at_idx on public.issue_comments (repository_id, created_at);

create index issue_comments_issue_id_idx on public.issue_comments (issue_id) where issue_id is not null;

create index issue_comments_pull_request_id_idx on public.issue_comments (pull_request_id) where pull_request_id is not null;

create table public.review_comments (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  pull_request_id bigint not null references public.pull_requests (id) on delete cascade,
  review_id bigint references public.reviews (id) on delete cascade,
  author_id bigint references public.contributors (id) on delete set null,
  path text,
  body text,
  created_at timestamptz not null,
  updated_at timestamptz
);
comment on table public.review_comments is 'Inline comments on a pull request''s diff.';

create index review_comments_repository_id_created_at_idx on public.review_comments (repository_id, created_at);

create index review_comments_pull_request_id_idx on public.review_comments (pull_request_id);

create index review_comments_review_id_idx on public.review_comments (review_id) where review_id is not null;

create table public.discussions (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  number int not null,
  title text not null,
  body text,
  category text,
  author_id bigint references public.contributors (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz,
  answer_chosen_at timestamptz,
  unique (repository_id, number)
);
comment on table public.discussions is 'GitHub discussions by databaseId.';

create index discussions_repository_id_created_at_idx on public.discussions (repository_id, created_at);

create table public.discussion_comments (
  id bigint primary key,
  node_id text not null unique,
  repository_id bigint not null references public.repositories (id) on delete cascade,
  discussion_id bigint not null references public.discussions (id) on delete cascade,
  parent_id bigint references public.discussion_comments (id) on delete cascade,   -- set for a reply
  author_id bigint references public.contributors (id) on delete set null,
  body text,
  created_at timestamptz not null,
  updated_at timestamptz
);
comment on table public.discussion_comments is 'Discussion comments; parent_id is set for a reply.';

create index discussion_comments_repository_id_created_at_idx on public.discussion_comments (repository_id, created_at);

create index discussion_comments_discussion_id_idx on public.discussion_comments (discussion_id);

create index discussion_comments_parent_id_idx on public.discussion_comments (parent_id) where parent_id is not null;

create table public.commits (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  sha text not null constraint commits_sha_is_40_hex_characters check (sha ~ '^[0-9a-f]{40}$'),
  author_id bigint references public.contributors (id) on delete set null,
  author_name text,
  authored_at timestamptz,
  committed_at timestamptz not null,
  additions int,
  deletions int,
  changed_files int,
  message_headline text,
  primary key (repository_id, sha)
);
comment on table public.commits is 'Commits of the default branch, for daily activity.';

create index commits_repository_id_committed_at_idx on public.commits (repository_id, committed_at);

create table public.star_history (
  repository_id bigint not null references public.repositories (id) on delete cascade,
  day date not null,
  stars int not null constraint star_history_stars_not_negative check (stars >= 0),
  primary key (repository_id, day)
);
comment on table public.star_history is
  'Stars added per day, from GitHub''s stargazers/history endpoint (no identities).';

create table public.forks (
  id bigint primary key,                      -- the fork's databaseId
  repository_id bigint not null references public.repositories (id) on delete cascade,  -- the parent
  full_name text not null,
  owner_login text,
  created_at timestamptz not null
);
comment on table public.forks is 'Forks of a repository with their creation time, for fork velocity.';

create index forks_repository_id_created_at_idx on public.forks (repository_id, created_at);

-- Content is shared by every workspace tracking the repository, and each reader sees it through
-- their own workspaces: a row is readable when its repository is readable to the caller and the
-- row's date (the one the retention clean-up goes by, 70_retention.sql) is inside the caller's
-- window (private.readable_repository_windows).

alter table public.pull_requests enable row level security;
create policy "members can read pull requests of their workspace repos inside their retention" on public.pull_requests
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = pull_requests.repository_id and coalesce(pull_requests.updated_at, pull_requests.closed_at, pull_requests.created_at) >= w.since));
revoke all on public.pull_requests from anon, authenticated;
grant select on public.pull_requests to authenticated;
grant all on public.pull_requests to service_role;

alter table public.reviews enable row level security;
create policy "members can read reviews of their workspace repos inside their retention" on public.reviews
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = reviews.repository_id and coalesce(reviews.submitted_at, 'infinity') >= w.since));
revoke all on public.reviews from anon, authenticated;
grant select on public.reviews to authenticated;
grant all on public.reviews to service_role;

alter table public.issues enable row level security;
create policy "members can read issues of their workspace repos inside their retention" on public.issues
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = issues.repository_id and coalesce(issues.updated_at, issues.closed_at, issues.created_at) >= w.since));
revoke all on public.issues from anon, authenticated;
grant select on public.issues to authenticated;
grant all on public.issues to service_role;

alter table public.issue_comments enable row level security;
create policy "members can read issue comments of their workspace repos inside their retention" on public.issue_comments
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = issue_comments.repository_id and coalesce(issue_comments.updated_at, issue_comments.created_at) >= w.since));
revoke all on public.issue_comments from anon, authenticated;
grant select on public.issue_comments to authenticated;
grant all on public.issue_comments to service_role;

alter table public.review_comments enable row level security;
create policy "members can read review comments of their workspace repos inside their retention" on public.review_comments
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = review_comments.repository_id and coalesce(review_comments.updated_at, review_comments.created_at) >= w.since));
revoke all on public.review_comments from anon, authenticated;
grant select on public.review_comments to authenticated;
grant all on public.review_comments to service_role;

alter table public.discussions enable row level security;
create policy "members can read discussions of their workspace repos inside their retention" on public.discussions
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = discussions.repository_id and coalesce(discussions.updated_at, discussions.created_at) >= w.since));
revoke all on public.discussions from anon, authenticated;
grant select on public.discussions to authenticated;
grant all on public.discussions to service_role;

alter table public.discussion_comments enable row level security;
create policy "members can read discussion comments of their workspace repos inside their retention" on public.discussion_comments
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = discussion_comments.repository_id and coalesce(discussion_comments.updated_at, discussion_comments.created_at) >= w.since));
revoke all on public.discussion_comments from anon, authenticated;
grant select on public.discussion_comments to authenticated;
grant all on public.discussion_comments to service_role;

alter table public.commits enable row level security;
create policy "members can read commits of their workspace repos inside their retention" on public.commits
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = commits.repository_id and commits.committed_at >= w.since));
revoke all on public.commits from anon, authenticated;
grant select on public.commits to authenticated;
grant all on public.commits to service_role;

alter table public.star_history enable row level security;
create policy "members can read star history of their workspace repos inside their retention" on public.star_history
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = star_history.repository_id and star_history.day::timestamp at time zone 'utc' >= w.since));
revoke all on public.star_history from anon, authenticated;
grant select on public.star_history to authenticated;
grant all on public.star_history to service_role;

alter table public.forks enable row level security;
create policy "members can read forks of their workspace repos inside their retention" on public.forks
  for select to authenticated using (exists (
    select 1 from private.readable_repository_windows() w
    where w.repository_id = forks.repository_id and forks.created_at >= w.since));
revoke all on public.forks from anon, authenticated;
grant select on public.forks to authenticated;
grant all on public.forks to service_role;

-- Contributors are GitHub profiles, visible through the content the caller may read: someone who
-- authored a row of a readable repository inside the caller's window. The subqueries run under
-- the content policies above, as the caller.
create index reviews_author_id_idx on public.reviews (author_id);
create index issues_author_id_idx on public.issues (author_id);
create index issue_comments_author_id_idx on public.issue_comments (author_id);
create index review_comments_author_id_idx on public.review_comments (author_id);
create index discussions_author_id_idx on public.discussions (author_id);
create index discussion_comments_author_id_idx on public.discussion_comments (author_id);
create index commits_author_id_idx on public.commits (author_id);
create policy "members can read the contributors of content they can read" on public.contributors
  for select to authenticated using (
    exists (select 1 from public.pull_requests x where x.author_id = contributors.id)
    or exists (select 1 from public.reviews x where x.author_id = contributors.id)
    or exists (select 1 from public.issues x where x.author_id = contributors.id)
    or exists (select 1 from public.issue_comments x where x.author_id = contributors.id)
    or exists (select 1 from public.review_comments x where x.author_id = contributors.id)
    or exists (select 1 from public.discussions x where x.author_id = contributors.id)
    or exists (select 1 from public.discussion_comments x where x.author_id = contributors.id)
    or exists (select 1 from public.commits x where x.author_id = contributors.id));
