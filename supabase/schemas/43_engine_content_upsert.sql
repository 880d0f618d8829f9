-- Backfill engine: the set-based upsert of one chunk's rows (engine.upsert_github_rows), called
-- by engine.commit_backfill_chunk. Every kind of row goes in through INSERT ... ON CONFLICT on
-- GitHub ids, so a redelivered chunk writes the same rows and the daily-activity triggers
-- (60_metrics.sql) see every write. Conversation and review comments come from GitHub's
-- repository-wide REST lists, which name their parent by number only: they are resolved to
-- their stored PR or issue (PRs and issues share one number sequence per repository), and
-- comments whose parent is not stored are dropped.

-- The REST comments of one chunk whose parent is stored, with the parent's id.
create or replace function engine.resolve_comment_rows(p_rows jsonb)
returns table (kind text, id bigint, node_id text, repository_id bigint, author jsonb, body text,
  created_at timestamptz, updated_at timestamptz, review_id bigint, path text, issue_id bigint,
  pull_request_id bigint)
language sql
stable
set search_path = ''
as $$
  select k.kind, x.id, x.node_id, x.repository_id, x.author, x.body, x.created_at, x.updated_at,
    x.review_id, x.path, i.id, pr.id
  from (values ('issue', 'issue_comments_by_number'), ('review', 'review_comments_by_number')) as k(kind, key)
  cross join lateral jsonb_to_recordset(coalesce(p_rows -> k.key, '[]')) as x(id bigint, node_id text,
    repository_id bigint, number int, author jsonb, body text, created_at timestamptz, updated_at timestamptz,
    review_id bigint, path text)
  left join public.pull_requests pr on pr.repository_id = x.repository_id and pr.number = x.number
  -- A job without the issues data type lists conversation comments for its PRs only
  -- (issue_comment_parents = 'pull_requests'): a comment on an issue another job stored is not its own.
  left join public.issues i on k.kind = 'issue' and pr.id is null
    and coalesce(p_rows ->> 'issue_comment_parents', 'any') <> 'pull_requests'
    and i.repository_id = x.repository_id and i.number = x.number
  where pr.id is not null or i.id is not null
$$;
revoke all on function engine.resolve_comment_rows(jsonb) from public;
grant execute on function engine.resolve_comment_rows(jsonb) to service_role;
comment on function engine.resolve_comment_rows(jsonb) is
  'The REST list comments of a chunk whose parent (PR, or for conversation comments an issue unless issue_comment_parents '
  'is ''pull_requests'', by repository_id and number) is stored, with the parent''s id.';

create or replace function engine.upsert_comment_rows(p_rows jsonb) returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count int := 0;
begin
  if not (p_rows ? 'issue_comments_by_number' or p_rows ? 'review_comments_by_number') then
    return 0;
  end if;

  -- One statement: the comments are resolved to their parents once, and the foreign keys
  -- (authors, reviews) are checked at its end, when the authors inserted here are there.
  with c as materialized (select * from engine.resolve_comment_rows(p_rows)),
  -- Authors are only added: GraphQL is the source of truth for a known contributor (REST spells
  -- bots' logins and avatar URLs differently, and a rewrite would flip them back and forth).
  authors as (
    insert into public.contributors (id, node_id, login, avatar_url, type)
    select distinct on ((c.author ->> 'id')::bigint) (c.author ->> 'id')::bigint, c.author ->> 'node_id',
      c.author ->> 'login', c.author ->> 'avatar_url', c.author ->> 'type'
    from c
    where jsonb_typeof(c.author) = 'object'
      -- Known authors are left out before the insert: ON CONFLICT DO NOTHING would still wait for
      -- a chunk that is updating the author's row (its unique check sees the new version), and
      -- that chunk waiting in turn for this one's new authors is a deadlock.
      and not exists (select 1 from public.contributors s where s.id = (c.author ->> 'id')::bigint)
    order by (c.author ->> 'id')::bigint
    on conflict (id) do nothing
  ),
  conversation as (
    insert into public.issue_comments as t (id, node_id, repository_id, issue_id, pull_request_id, author_id, body,
      created_at, updated_at)
    select distinct on (c.id) c.id, c.node_id, c.repository_id, c.issue_id, c.pull_request_id,
      (c.author ->> 'id')::bigint, c.body, c.created_at, c.updated_at
    from c
    where c.kind = 'issue'
    order by c.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      issue_id = excluded.issue_id, pull_request_id = excluded.pull_request_id, author_id = excluded.author_id,
      body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at
    returning 1
  ),
  review as (
    -- A review not stored leaves review_id null rather than failing the chunk.
    insert into public.review_comments as t (id, node_id, repository_id, pull_request_id, review_id, author_id, path,
      body, created_at, updated_at)
    select distinct on (c.id) c.id, c.node_id, c.repository_id, c.pull_request_id, r.id,
      (c.author ->> 'id')::bigint, c.path, c.body, c.created_at, c.updated_at
    from c
    left join public.reviews r on r.id = c.review_id
    where c.kind = 'review'
    order by c.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      pull_request_id = excluded.pull_request_id, review_id = excluded.review_id, author_id = excluded.author_id,
      path = excluded.path, body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at
    returning 1
  )
  select (select count(*) from conversation) + (select count(*) from review) into v_count;

  return v_count;
end;
$$;
revoke all on function engine.upsert_comment_rows(jsonb) from public;
grant execute on function engine.upsert_comment_rows(jsonb) to service_role;
comment on function engine.upsert_comment_rows(jsonb) is
  'Upserts the comments of the REST lists ({issue_comments_by_number, review_comments_by_number}: rows with repository_id, number, author object) under the PR or issue of that number stored for the repository; comments of unstored parents are dropped. Returns the comments written.';

-- Set-based upserts of one chunk's rows, parents before children so foreign keys hold. A kind of
-- row the chunk does not carry is skipped: an INSERT … ON CONFLICT of no rows still fires its
-- statement triggers (insert and update), a dozen per chunk for nothing.
create or replace function engine.upsert_github_rows(p_rows jsonb) returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count int := 0;
  v_n int;
begin
  if p_rows ? 'repository' and jsonb_typeof(p_rows -> 'repository') = 'object' then
    insert into public.repositories as r (id, node_id, owner, name, full_name, avatar_url, stargazer_count,
      fork_count, default_branch, is_private, github_created_at, metadata_fetched_at)
    select x.id, x.node_id, x.owner, x.name, x.full_name, x.avatar_url, x.stargazer_count, x.fork_count,
      x.default_branch, x.is_private, x.github_created_at, now()
    from jsonb_to_record(p_rows -> 'repository') as x(id bigint, node_id text, owner text, name text,
      full_name text, avatar_url text, stargazer_count int, fork_count int, default_branch text,
      is_private boolean, github_created_at timestamptz)
    on conflict (id) do update set node_id = excluded.node_id, owner = excluded.owner, name = excluded.name,
      full_name = excluded.full_name, avatar_url = excluded.avatar_url,
      stargazer_count = excluded.stargazer_count, fork_count = excluded.fork_count,
      default_branch = excluded.default_branch, is_private = excluded.is_private,
      github_created_at = excluded.github_created_at, metadata_fetched_at = excluded.metadata_fetched_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'contributors', '[]')) > 0 then
    -- node_id (a unique key) is not in the SET list: updating a key column would lock the row
    -- FOR UPDATE, which blocks the foreign-key checks (FOR KEY SHARE) of every other chunk
    -- writing content by that author, and a chunk waiting here for that chunk's new authors
    -- closed a cycle (deadlock 40P01, seen in the 20 × 200 bench). The rare changed node_id (the
    -- old and new global id formats) is written by the statement below, in key order.
    insert into public.contributors as c (id, node_id, login, avatar_url, type)
    select distinct on (x.id) x.id, x.node_id, x.login, x.avatar_url, x.type
    from jsonb_to_recordset(coalesce(p_rows -> 'contributors', '[]')) as x(id bigint, node_id text, login text,
      avatar_url text, type text)
    -- An author stored as is is not touched: ON CONFLICT would lock its row (and wait for any
    -- chunk updating it) only to find nothing to change.
    where not exists (select 1 from public.contributors s where s.id = x.id
                      and (s.login, s.avatar_url, s.type) is not distinct from (x.login, x.avatar_url, x.type))
    order by x.id
    on conflict (id) do update set login = excluded.login, avatar_url = excluded.avatar_url,
      type = excluded.type, updated_at = now()
    where (c.login, c.avatar_url, c.type) is distinct from (excluded.login, excluded.avatar_url, excluded.type);

    update public.contributors c set node_id = x.node_id, updated_at = now()
    from (
      select distinct on (x.id) x.id, x.node_id
      from jsonb_to_recordset(coalesce(p_rows -> 'contributors', '[]')) as x(id bigint, node_id text)
      where x.node_id is not null
      order by x.id
    ) x
    where c.id = x.id and c.node_id is distinct from x.node_id;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'pull_requests', '[]')) > 0 then
    insert into public.pull_requests as t (id, node_id, repository_id, number, title, body, state, is_draft, author_id,
      labels, additions, deletions, changed_files, created_at, updated_at, closed_at, merged_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.number, x.title, x.body, x.state, x.is_draft,
      x.author_id, coalesce(x.labels, '[]'), x.additions, x.deletions, x.changed_files, x.created_at, x.updated_at,
      x.closed_at, x.merged_at
    from jsonb_to_recordset(coalesce(p_rows -> 'pull_requests', '[]')) as x(id bigint, node_id text,
      repository_id bigint, number int, title text, body text, state text, is_draft boolean, author_id bigint,
      labels jsonb, additions int, deletions int, changed_files int, created_at timestamptz,
      updated_at timestamptz, closed_at timestamptz, merged_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      number = excluded.number, title = excluded.title, body = excluded.body, state = excluded.state,
      is_draft = excluded.is_draft, author_id = excluded.author_id, labels = excluded.labels,
      additions = excluded.additions, deletions = excluded.deletions, changed_files = excluded.changed_files,
      created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
      merged_at = excluded.merged_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'issues', '[]')) > 0 then
    insert into public.issues as t (id, node_id, repository_id, number, title, body, state, author_id, labels,
      created_at, updated_at, closed_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.number, x.title, x.body, x.state, x.author_id,
      coalesce(x.labels, '[]'), x.created_at, x.updated_at, x.closed_at
    from jsonb_to_recordset(coalesce(p_rows -> 'issues', '[]')) as x(id bigint, node_id text,
      repository_id bigint, number int, title text, body text, state text, author_id bigint, labels jsonb,
      created_at timestamptz, updated_at timestamptz, closed_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      number = excluded.number, title = excluded.title, body = excluded.body, state = excluded.state,
      author_id = excluded.author_id, labels = excluded.labels, created_at = excluded.created_at,
      updated_at = excluded.updated_at, closed_at = excluded.closed_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'reviews', '[]')) > 0 then
    insert into public.reviews (id, node_id, repository_id, pull_request_id, author_id, state, body, submitted_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.pull_request_id, x.author_id, x.state, x.body,
      x.submitted_at
    from jsonb_to_recordset(coalesce(p_rows -> 'reviews', '[]')) as x(id bigint, node_id text,
      repository_id bigint, pull_request_id bigint, author_id bigint, state text, body text, submitted_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      pull_request_id = excluded.pull_request_id, author_id = excluded.author_id, state = excluded.state,
      body = excluded.body, submitted_at = excluded.submitted_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'review_comments', '[]')) > 0 then
    insert into public.review_comments as t (id, node_id, repository_id, pull_request_id, review_id, author_id, path,
      body, created_at, updated_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.pull_request_id, x.review_id, x.author_id,
      x.path, x.body, x.created_at, x.updated_at
    from jsonb_to_recordset(coalesce(p_rows -> 'review_comments', '[]')) as x(id bigint, node_id text,
      repository_id bigint, pull_request_id bigint, review_id bigint, author_id bigint, path text, body text,
      created_at timestamptz, updated_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      pull_request_id = excluded.pull_request_id, review_id = excluded.review_id, author_id = excluded.author_id,
      path = excluded.path, body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'issue_comments', '[]')) > 0 then
    insert into public.issue_comments as t (id, node_id, repository_id, issue_id, pull_request_id, author_id, body,
      created_at, updated_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.issue_id, x.pull_request_id, x.author_id, x.body,
      x.created_at, x.updated_at
    from jsonb_to_recordset(coalesce(p_rows -> 'issue_comments', '[]')) as x(id bigint, node_id text,
      repository_id bigint, issue_id bigint, pull_request_id bigint, author_id bigint, body text,
      created_at timestamptz, updated_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      issue_id = excluded.issue_id, pull_request_id = excluded.pull_request_id, author_id = excluded.author_id,
      body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'discussions', '[]')) > 0 then
    insert into public.discussions as t (id, node_id, repository_id, number, title, body, category, author_id,
      created_at, updated_at, answer_chosen_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.number, x.title, x.body, x.category, x.author_id,
      x.created_at, x.updated_at, x.answer_chosen_at
    from jsonb_to_recordset(coalesce(p_rows -> 'discussions', '[]')) as x(id bigint, node_id text,
      repository_id bigint, number int, title text, body text, category text, author_id bigint,
      created_at timestamptz, updated_at timestamptz, answer_chosen_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      number = excluded.number, title = excluded.title, body = excluded.body,
      category = coalesce(excluded.category, t.category), author_id = excluded.author_id,
      created_at = excluded.created_at, updated_at = excluded.updated_at, answer_chosen_at = excluded.answer_chosen_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  -- Top-level comments and their replies in one statement: the parent_id foreign key is checked
  -- at the end of the statement, so a reply may come before the comment it replies to.
  if jsonb_array_length(coalesce(p_rows -> 'discussion_comments', '[]')) > 0 then
    insert into public.discussion_comments as t (id, node_id, repository_id, discussion_id, parent_id, author_id, body,
      created_at, updated_at)
    select distinct on (x.id) x.id, x.node_id, x.repository_id, x.discussion_id, x.parent_id, x.author_id, x.body,
      x.created_at, x.updated_at
    from jsonb_to_recordset(coalesce(p_rows -> 'discussion_comments', '[]')) as x(id bigint, node_id text,
      repository_id bigint, discussion_id bigint, parent_id bigint, author_id bigint, body text,
      created_at timestamptz, updated_at timestamptz)
    order by x.id
    on conflict (id) do update set node_id = excluded.node_id, repository_id = excluded.repository_id,
      discussion_id = excluded.discussion_id, parent_id = excluded.parent_id, author_id = excluded.author_id,
      body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at
      -- Newest wins: an older copy (a job that read it before another stored a newer one) never replaces it.
      where excluded.updated_at is null or t.updated_at is null or excluded.updated_at >= t.updated_at;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'commits', '[]')) > 0 then
    insert into public.commits (repository_id, sha, author_id, author_name, authored_at, committed_at, additions,
      deletions, changed_files, message_headline)
    select distinct on (x.repository_id, x.sha) x.repository_id, x.sha, x.author_id, x.author_name, x.authored_at,
      x.committed_at, x.additions, x.deletions, x.changed_files, x.message_headline
    from jsonb_to_recordset(coalesce(p_rows -> 'commits', '[]')) as x(repository_id bigint, sha text,
      author_id bigint, author_name text, authored_at timestamptz, committed_at timestamptz, additions int,
      deletions int, changed_files int, message_headline text)
    order by x.repository_id, x.sha
    on conflict (repository_id, sha) do update set author_id = excluded.author_id, author_name = excluded.author_name,
      authored_at = excluded.authored_at, committed_at = excluded.committed_at, additions = excluded.additions,
      deletions = excluded.deletions, changed_files = excluded.changed_files,
      message_headline = excluded.message_headline;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'forks', '[]')) > 0 then
    insert into public.forks (id, repository_id, full_name, owner_login, created_at)
    select distinct on (x.id) x.id, x.repository_id, x.full_name, x.owner_login, x.created_at
    from jsonb_to_recordset(coalesce(p_rows -> 'forks', '[]')) as x(id bigint, repository_id bigint,
      full_name text, owner_login text, created_at timestamptz)
    order by x.id
    on conflict (id) do update set repository_id = excluded.repository_id, full_name = excluded.full_name,
      owner_login = excluded.owner_login, created_at = excluded.created_at;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  if jsonb_array_length(coalesce(p_rows -> 'star_history', '[]')) > 0 then
    insert into public.star_history (repository_id, day, stars)
    select distinct on (x.repository_id, x.day) x.repository_id, x.day, x.stars
    from jsonb_to_recordset(coalesce(p_rows -> 'star_history', '[]')) as x(repository_id bigint, day date, stars int)
    order by x.repository_id, x.day
    on conflict (repository_id, day) do update set stars = excluded.stars
    where public.star_history.stars is distinct from excluded.stars;
    get diagnostics v_n = row_count;
    v_count := v_count + v_n;
  end if;

  -- Comments of the REST lists last: their parents may be in this very chunk.
  perform engine.upsert_comment_rows(p_rows);

  return v_count;
end;
$$;
revoke all on function engine.upsert_github_rows(jsonb) from public;
grant execute on function engine.upsert_github_rows(jsonb) to service_role;
comment on function engine.upsert_github_rows(jsonb) is
  'Upserts one chunk of GitHub rows ({repository, contributors, pull_requests, issues, reviews, review_comments, issue_comments, discussions, discussion_comments, commits, forks, star_history, issue_comments_by_number, review_comments_by_number}) set-based on GitHub ids; returns the number of top-level items.';
