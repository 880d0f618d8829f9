-- compute_workspace_activity reads the previous period in one statement (no row, all fields null, when there is none) instead of spelling out a row of nulls by hand
set check_function_bodies = off;

CREATE OR REPLACE FUNCTION private.compute_workspace_activity(workspace_id uuid, period_days integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
 SET jit TO 'off'
AS $function$
declare
  today date := private.utc_day(now());
  cur_start date := today - (compute_workspace_activity.period_days - 1);
  prev_start date;
  repos bigint[] := private.workspace_repository_ids(compute_workspace_activity.workspace_id);
  cur record;
  prev record;
  people bigint;
begin
  -- The previous period is compared only when it lies inside the workspace's retention.
  if cur_start - compute_workspace_activity.period_days > private.workspace_retention_start(compute_workspace_activity.workspace_id) then
    prev_start := cur_start - compute_workspace_activity.period_days;
  end if;
  select * into cur from private.activity_totals(repos, cur_start, today);
  -- No row, so every field null, when there is no previous period to compare.
  select * into prev from private.activity_totals(repos, prev_start, cur_start - 1) where prev_start is not null;
  select count(distinct rc.contributor_id) into people
  from private.repository_contributors rc
  where rc.repository_id = any (repos) and rc.last_active_on >= cur_start;
  return jsonb_build_object(
    'period_days', compute_workspace_activity.period_days,
    'period_start', cur_start, 'period_end', today, 'previous_period_start', prev_start,
    'repositories', cardinality(repos),
    'active_repositories', cur.active_repositories,
    'contributors', people,
    'commits', cur.commits, 'additions', cur.additions, 'deletions', cur.deletions,
    'prs_opened', cur.prs_opened, 'prs_merged', cur.prs_merged, 'prs_closed', cur.prs_closed,
    'issues_opened', cur.issues_opened, 'issues_closed', cur.issues_closed,
    'stars', cur.stars, 'forks', cur.forks,
    'previous', jsonb_build_object('commits', prev.commits, 'prs_opened', prev.prs_opened,
      'prs_merged', prev.prs_merged, 'issues_opened', prev.issues_opened,
      'issues_closed', prev.issues_closed, 'stars', prev.stars, 'forks', prev.forks),
    'percent_change', jsonb_build_object(
      'commits', private.percent_change(cur.commits, prev.commits),
      'prs_opened', private.percent_change(cur.prs_opened, prev.prs_opened),
      'prs_merged', private.percent_change(cur.prs_merged, prev.prs_merged),
      'issues_opened', private.percent_change(cur.issues_opened, prev.issues_opened),
      'issues_closed', private.percent_change(cur.issues_closed, prev.issues_closed),
      'stars', private.percent_change(cur.stars, prev.stars),
      'forks', private.percent_change(cur.forks, prev.forks)));
end
$function$
;
