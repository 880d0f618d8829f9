export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "public": {
          Tables: {
            "backfill_jobs": {
                  Row: {
                    "cancelled_at": string | null,"cancelled_tasks": number,"completed_tasks": number,"created_at": string,"created_by": string | null,"data_types": (string)[],"error": string | null,"failed_tasks": number,"finished_at": string | null,"id": string,"items_done": number,"kind": string,"max_in_flight_per_owner": number | null,"max_prs_per_repo": number | null,"points_used": number,"source": NonNullable<Json>,"started_at": string | null,"status": string,"total_tasks": number,"tracked_repository_ids": (string)[] | null,"window_days": number,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "cancelled_at"?: string | null,"cancelled_tasks"?: number,"completed_tasks"?: number,"created_at"?: string,"created_by"?: string | null,"data_types": (string)[],"error"?: string | null,"failed_tasks"?: number,"finished_at"?: string | null,"id"?: string,"items_done"?: number,"kind": string,"max_in_flight_per_owner"?: number | null,"max_prs_per_repo"?: number | null,"points_used"?: number,"source"?: NonNullable<Json>,"started_at"?: string | null,"status"?: string,"total_tasks"?: number,"tracked_repository_ids"?: (string)[] | null,"window_days": number,"workspace_id": string
                  }
                  Update: {
                    "cancelled_at"?: string | null,"cancelled_tasks"?: number,"completed_tasks"?: number,"created_at"?: string,"created_by"?: string | null,"data_types"?: (string)[],"error"?: string | null,"failed_tasks"?: number,"finished_at"?: string | null,"id"?: string,"items_done"?: number,"kind"?: string,"max_in_flight_per_owner"?: number | null,"max_prs_per_repo"?: number | null,"points_used"?: number,"source"?: NonNullable<Json>,"started_at"?: string | null,"status"?: string,"total_tasks"?: number,"tracked_repository_ids"?: (string)[] | null,"window_days"?: number,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "backfill_jobs_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"backfill_progress": {
                  Row: {
                    "attempts": number,"cursor": string | null,"data_type": string,"estimated_total": number | null,"heartbeat_at": string | null,"items_done": number,"last_error": string | null,"page_size": number | null,"status": string,"task_id": number,"updated_at": string,"window_start": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "attempts"?: number,"cursor"?: string | null,"data_type": string,"estimated_total"?: number | null,"heartbeat_at"?: string | null,"items_done"?: number,"last_error"?: string | null,"page_size"?: number | null,"status"?: string,"task_id": number,"updated_at"?: string,"window_start"?: string | null
                  }
                  Update: {
                    "attempts"?: number,"cursor"?: string | null,"data_type"?: string,"estimated_total"?: number | null,"heartbeat_at"?: string | null,"items_done"?: number,"last_error"?: string | null,"page_size"?: number | null,"status"?: string,"task_id"?: number,"updated_at"?: string,"window_start"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "backfill_progress_task_id_fkey"
      columns: ["task_id"]
isOneToOne: false
      referencedRelation: "backfill_repository_status"
      referencedColumns: ["task_id"]
    },{
      foreignKeyName: "backfill_progress_task_id_fkey"
      columns: ["task_id"]
isOneToOne: false
      referencedRelation: "backfill_tasks"
      referencedColumns: ["id"]
    }
                  ]
                },"backfill_tasks": {
                  Row: {
                    "attempts": number,"claim_id": string | null,"created_at": string,"deliveries": number,"finished_at": string | null,"heartbeat_at": string | null,"id": number,"job_id": string,"last_error": string | null,"msg_id": number | null,"points_used": number,"queue_name": string | null,"repository_id": number | null,"started_at": string | null,"status": string,"tracked_repository_id": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "attempts"?: number,"claim_id"?: string | null,"created_at"?: string,"deliveries"?: number,"finished_at"?: string | null,"heartbeat_at"?: string | null,"id"?: never,"job_id": string,"last_error"?: string | null,"msg_id"?: number | null,"points_used"?: number,"queue_name"?: string | null,"repository_id"?: number | null,"started_at"?: string | null,"status"?: string,"tracked_repository_id": string,"workspace_id": string
                  }
                  Update: {
                    "attempts"?: number,"claim_id"?: string | null,"created_at"?: string,"deliveries"?: number,"finished_at"?: string | null,"heartbeat_at"?: string | null,"id"?: never,"job_id"?: string,"last_error"?: string | null,"msg_id"?: number | null,"points_used"?: number,"queue_name"?: string | null,"repository_id"?: number | null,"started_at"?: string | null,"status"?: string,"tracked_repository_id"?: string,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "backfill_tasks_job_id_fkey"
      columns: ["job_id"]
isOneToOne: false
      referencedRelation: "backfill_job_status"
      referencedColumns: ["job_id"]
    },{
      foreignKeyName: "backfill_tasks_job_id_fkey"
      columns: ["job_id"]
isOneToOne: false
      referencedRelation: "backfill_jobs"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_tracked_repository_id_fkey"
      columns: ["tracked_repository_id"]
isOneToOne: false
      referencedRelation: "tracked_repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"commits": {
                  Row: {
                    "additions": number | null,"author_id": number | null,"author_name": string | null,"authored_at": string | null,"changed_files": number | null,"committed_at": string,"deletions": number | null,"message_headline": string | null,"repository_id": number,"sha": string
                  }
                  ComputedFields: never
                  Insert: {
                    "additions"?: number | null,"author_id"?: number | null,"author_name"?: string | null,"authored_at"?: string | null,"changed_files"?: number | null,"committed_at": string,"deletions"?: number | null,"message_headline"?: string | null,"repository_id": number,"sha": string
                  }
                  Update: {
                    "additions"?: number | null,"author_id"?: number | null,"author_name"?: string | null,"authored_at"?: string | null,"changed_files"?: number | null,"committed_at"?: string,"deletions"?: number | null,"message_headline"?: string | null,"repository_id"?: number,"sha"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "commits_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "commits_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"contributors": {
                  Row: {
                    "avatar_url": string | null,"id": number,"login": string,"node_id": string,"type": string | null,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "avatar_url"?: string | null,"id": number,"login": string,"node_id": string,"type"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "avatar_url"?: string | null,"id"?: number,"login"?: string,"node_id"?: string,"type"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"daily_activity_metrics": {
                  Row: {
                    "additions": number,"commits_count": number,"date": string,"deletions": number,"files_changed": number,"forks": number,"issues_closed": number,"issues_opened": number,"prs_closed": number,"prs_merged": number,"prs_opened": number,"repository_id": number,"stars": number,"unique_authors": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "additions"?: number,"commits_count"?: number,"date": string,"deletions"?: number,"files_changed"?: number,"forks"?: number,"issues_closed"?: number,"issues_opened"?: number,"prs_closed"?: number,"prs_merged"?: number,"prs_opened"?: number,"repository_id": number,"stars"?: number,"unique_authors"?: number,"updated_at"?: string
                  }
                  Update: {
                    "additions"?: number,"commits_count"?: number,"date"?: string,"deletions"?: number,"files_changed"?: number,"forks"?: number,"issues_closed"?: number,"issues_opened"?: number,"prs_closed"?: number,"prs_merged"?: number,"prs_opened"?: number,"repository_id"?: number,"stars"?: number,"unique_authors"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "daily_activity_metrics_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"discussion_comments": {
                  Row: {
                    "author_id": number | null,"body": string | null,"created_at": string,"discussion_id": number,"id": number,"node_id": string,"parent_id": number | null,"repository_id": number,"updated_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "author_id"?: number | null,"body"?: string | null,"created_at": string,"discussion_id": number,"id": number,"node_id": string,"parent_id"?: number | null,"repository_id": number,"updated_at"?: string | null
                  }
                  Update: {
                    "author_id"?: number | null,"body"?: string | null,"created_at"?: string,"discussion_id"?: number,"id"?: number,"node_id"?: string,"parent_id"?: number | null,"repository_id"?: number,"updated_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "discussion_comments_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "discussion_comments_discussion_id_fkey"
      columns: ["discussion_id"]
isOneToOne: false
      referencedRelation: "discussions"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "discussion_comments_parent_id_fkey"
      columns: ["parent_id"]
isOneToOne: false
      referencedRelation: "discussion_comments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "discussion_comments_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"discussions": {
                  Row: {
                    "answer_chosen_at": string | null,"author_id": number | null,"body": string | null,"category": string | null,"created_at": string,"id": number,"node_id": string,"number": number,"repository_id": number,"title": string,"updated_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "answer_chosen_at"?: string | null,"author_id"?: number | null,"body"?: string | null,"category"?: string | null,"created_at": string,"id": number,"node_id": string,"number": number,"repository_id": number,"title": string,"updated_at"?: string | null
                  }
                  Update: {
                    "answer_chosen_at"?: string | null,"author_id"?: number | null,"body"?: string | null,"category"?: string | null,"created_at"?: string,"id"?: number,"node_id"?: string,"number"?: number,"repository_id"?: number,"title"?: string,"updated_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "discussions_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "discussions_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"forks": {
                  Row: {
                    "created_at": string,"full_name": string,"id": number,"owner_login": string | null,"repository_id": number
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at": string,"full_name": string,"id": number,"owner_login"?: string | null,"repository_id": number
                  }
                  Update: {
                    "created_at"?: string,"full_name"?: string,"id"?: number,"owner_login"?: string | null,"repository_id"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "forks_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"issue_comments": {
                  Row: {
                    "author_id": number | null,"body": string | null,"created_at": string,"id": number,"issue_id": number | null,"node_id": string,"pull_request_id": number | null,"repository_id": number,"updated_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "author_id"?: number | null,"body"?: string | null,"created_at": string,"id": number,"issue_id"?: number | null,"node_id": string,"pull_request_id"?: number | null,"repository_id": number,"updated_at"?: string | null
                  }
                  Update: {
                    "author_id"?: number | null,"body"?: string | null,"created_at"?: string,"id"?: number,"issue_id"?: number | null,"node_id"?: string,"pull_request_id"?: number | null,"repository_id"?: number,"updated_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "issue_comments_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "issue_comments_issue_id_fkey"
      columns: ["issue_id"]
isOneToOne: false
      referencedRelation: "issues"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "issue_comments_pull_request_id_fkey"
      columns: ["pull_request_id"]
isOneToOne: false
      referencedRelation: "pull_requests"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "issue_comments_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"issues": {
                  Row: {
                    "author_id": number | null,"body": string | null,"closed_at": string | null,"created_at": string,"id": number,"labels": NonNullable<Json>,"node_id": string,"number": number,"repository_id": number,"state": string,"title": string,"updated_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "author_id"?: number | null,"body"?: string | null,"closed_at"?: string | null,"created_at": string,"id": number,"labels"?: NonNullable<Json>,"node_id": string,"number": number,"repository_id": number,"state": string,"title": string,"updated_at"?: string | null
                  }
                  Update: {
                    "author_id"?: number | null,"body"?: string | null,"closed_at"?: string | null,"created_at"?: string,"id"?: number,"labels"?: NonNullable<Json>,"node_id"?: string,"number"?: number,"repository_id"?: number,"state"?: string,"title"?: string,"updated_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "issues_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "issues_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"notifications": {
                  Row: {
                    "created_at": string,"id": string,"kind": string,"payload": NonNullable<Json>,"read_at": string | null,"title": string,"user_id": string,"workspace_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: string,"kind": string,"payload"?: NonNullable<Json>,"read_at"?: string | null,"title": string,"user_id": string,"workspace_id"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"kind"?: string,"payload"?: NonNullable<Json>,"read_at"?: string | null,"title"?: string,"user_id"?: string,"workspace_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "notifications_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"polar_subscriptions": {
                  Row: {
                    "cancel_at_period_end": boolean,"canceled_at": string | null,"checkout_id": string | null,"created_at": string,"current_period_end": string | null,"customer_id": string | null,"ended_at": string | null,"id": string,"last_event_at": string | null,"metadata": NonNullable<Json>,"product_id": string,"status": string,"updated_at": string,"workspace_id": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "cancel_at_period_end"?: boolean,"canceled_at"?: string | null,"checkout_id"?: string | null,"created_at"?: string,"current_period_end"?: string | null,"customer_id"?: string | null,"ended_at"?: string | null,"id": string,"last_event_at"?: string | null,"metadata"?: NonNullable<Json>,"product_id": string,"status": string,"updated_at"?: string,"workspace_id"?: string | null
                  }
                  Update: {
                    "cancel_at_period_end"?: boolean,"canceled_at"?: string | null,"checkout_id"?: string | null,"created_at"?: string,"current_period_end"?: string | null,"customer_id"?: string | null,"ended_at"?: string | null,"id"?: string,"last_event_at"?: string | null,"metadata"?: NonNullable<Json>,"product_id"?: string,"status"?: string,"updated_at"?: string,"workspace_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "polar_subscriptions_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"pull_requests": {
                  Row: {
                    "additions": number | null,"author_id": number | null,"body": string | null,"changed_files": number | null,"closed_at": string | null,"created_at": string,"deletions": number | null,"id": number,"is_draft": boolean,"labels": NonNullable<Json>,"merged_at": string | null,"node_id": string,"number": number,"repository_id": number,"state": string,"title": string,"updated_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "additions"?: number | null,"author_id"?: number | null,"body"?: string | null,"changed_files"?: number | null,"closed_at"?: string | null,"created_at": string,"deletions"?: number | null,"id": number,"is_draft"?: boolean,"labels"?: NonNullable<Json>,"merged_at"?: string | null,"node_id": string,"number": number,"repository_id": number,"state": string,"title": string,"updated_at"?: string | null
                  }
                  Update: {
                    "additions"?: number | null,"author_id"?: number | null,"body"?: string | null,"changed_files"?: number | null,"closed_at"?: string | null,"created_at"?: string,"deletions"?: number | null,"id"?: number,"is_draft"?: boolean,"labels"?: NonNullable<Json>,"merged_at"?: string | null,"node_id"?: string,"number"?: number,"repository_id"?: number,"state"?: string,"title"?: string,"updated_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "pull_requests_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "pull_requests_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"repositories": {
                  Row: {
                    "avatar_url": string | null,"created_at": string,"default_branch": string | null,"description": string | null,"fork_count": number,"full_name": string,"github_created_at": string | null,"id": number,"is_private": boolean,"metadata_fetched_at": string | null,"name": string,"node_id": string,"owner": string,"pushed_at": string | null,"stargazer_count": number,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "avatar_url"?: string | null,"created_at"?: string,"default_branch"?: string | null,"description"?: string | null,"fork_count"?: number,"full_name": string,"github_created_at"?: string | null,"id": number,"is_private"?: boolean,"metadata_fetched_at"?: string | null,"name": string,"node_id": string,"owner": string,"pushed_at"?: string | null,"stargazer_count"?: number,"updated_at"?: string
                  }
                  Update: {
                    "avatar_url"?: string | null,"created_at"?: string,"default_branch"?: string | null,"description"?: string | null,"fork_count"?: number,"full_name"?: string,"github_created_at"?: string | null,"id"?: number,"is_private"?: boolean,"metadata_fetched_at"?: string | null,"name"?: string,"node_id"?: string,"owner"?: string,"pushed_at"?: string | null,"stargazer_count"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"repository_access_grants": {
                  Row: {
                    "granted_at": string,"repository_id": number,"token_id": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "granted_at"?: string,"repository_id": number,"token_id": string,"workspace_id": string
                  }
                  Update: {
                    "granted_at"?: string,"repository_id"?: number,"token_id"?: string,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "repository_access_grants_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "repository_access_grants_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"review_comments": {
                  Row: {
                    "author_id": number | null,"body": string | null,"created_at": string,"id": number,"node_id": string,"path": string | null,"pull_request_id": number,"repository_id": number,"review_id": number | null,"updated_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "author_id"?: number | null,"body"?: string | null,"created_at": string,"id": number,"node_id": string,"path"?: string | null,"pull_request_id": number,"repository_id": number,"review_id"?: number | null,"updated_at"?: string | null
                  }
                  Update: {
                    "author_id"?: number | null,"body"?: string | null,"created_at"?: string,"id"?: number,"node_id"?: string,"path"?: string | null,"pull_request_id"?: number,"repository_id"?: number,"review_id"?: number | null,"updated_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "review_comments_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "review_comments_pull_request_id_fkey"
      columns: ["pull_request_id"]
isOneToOne: false
      referencedRelation: "pull_requests"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "review_comments_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "review_comments_review_id_fkey"
      columns: ["review_id"]
isOneToOne: false
      referencedRelation: "reviews"
      referencedColumns: ["id"]
    }
                  ]
                },"reviews": {
                  Row: {
                    "author_id": number | null,"body": string | null,"id": number,"node_id": string,"pull_request_id": number,"repository_id": number,"state": string,"submitted_at": string | null
                  }
                  ComputedFields: never
                  Insert: {
                    "author_id"?: number | null,"body"?: string | null,"id": number,"node_id": string,"pull_request_id": number,"repository_id": number,"state": string,"submitted_at"?: string | null
                  }
                  Update: {
                    "author_id"?: number | null,"body"?: string | null,"id"?: number,"node_id"?: string,"pull_request_id"?: number,"repository_id"?: number,"state"?: string,"submitted_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "reviews_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "contributors"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "reviews_pull_request_id_fkey"
      columns: ["pull_request_id"]
isOneToOne: false
      referencedRelation: "pull_requests"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "reviews_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"star_history": {
                  Row: {
                    "day": string,"repository_id": number,"stars": number
                  }
                  ComputedFields: never
                  Insert: {
                    "day": string,"repository_id": number,"stars": number
                  }
                  Update: {
                    "day"?: string,"repository_id"?: number,"stars"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "star_history_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"subscription_addons": {
                  Row: {
                    "addon_type": string,"backfill_job_id": string | null,"expires_at": string | null,"id": string,"product_id": string,"purchased_at": string,"retention_days": number | null,"status": string,"subscription_id": string,"updated_at": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "addon_type": string,"backfill_job_id"?: string | null,"expires_at"?: string | null,"id"?: string,"product_id": string,"purchased_at"?: string,"retention_days"?: number | null,"status"?: string,"subscription_id": string,"updated_at"?: string,"workspace_id": string
                  }
                  Update: {
                    "addon_type"?: string,"backfill_job_id"?: string | null,"expires_at"?: string | null,"id"?: string,"product_id"?: string,"purchased_at"?: string,"retention_days"?: number | null,"status"?: string,"subscription_id"?: string,"updated_at"?: string,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "subscription_addons_subscription_id_fkey"
      columns: ["subscription_id"]
isOneToOne: false
      referencedRelation: "polar_subscriptions"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "subscription_addons_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"tier_plans": {
                  Row: {
                    "max_live_jobs": number,"max_tracked_repositories": number,"priority_points": number,"retention_days": number,"tier": string
                  }
                  ComputedFields: never
                  Insert: {
                    "max_live_jobs"?: number,"max_tracked_repositories"?: number,"priority_points"?: number,"retention_days": number,"tier": string
                  }
                  Update: {
                    "max_live_jobs"?: number,"max_tracked_repositories"?: number,"priority_points"?: number,"retention_days"?: number,"tier"?: string
                  }
                  Relationships: [
                    
                  ]
                },"tracked_repositories": {
                  Row: {
                    "created_at": string,"full_name": string | null,"id": string,"last_error": string | null,"name": string,"owner": string,"repository_id": number | null,"status": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"full_name"?: never,"id"?: string,"last_error"?: string | null,"name": string,"owner": string,"repository_id"?: number | null,"status"?: string
                  }
                  Update: {
                    "created_at"?: string,"full_name"?: never,"id"?: string,"last_error"?: string | null,"name"?: string,"owner"?: string,"repository_id"?: number | null,"status"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "tracked_repositories_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    }
                  ]
                },"workspace_members": {
                  Row: {
                    "created_at": string,"role": string,"user_id": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"role"?: string,"user_id": string,"workspace_id": string
                  }
                  Update: {
                    "created_at"?: string,"role"?: string,"user_id"?: string,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "workspace_members_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"workspace_metrics_cache": {
                  Row: {
                    "computed_at": string,"expires_at": string,"metrics": NonNullable<Json>,"period_days": number,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "computed_at"?: string,"expires_at": string,"metrics": NonNullable<Json>,"period_days": number,"workspace_id": string
                  }
                  Update: {
                    "computed_at"?: string,"expires_at"?: string,"metrics"?: NonNullable<Json>,"period_days"?: number,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "workspace_metrics_cache_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"workspace_tracked_repositories": {
                  Row: {
                    "added_at": string,"added_by": string | null,"data_retention_days": number,"fetch_commits": boolean,"fetch_discussions": boolean,"fetch_issues": boolean,"fetch_reviews": boolean,"id": string,"last_error": string | null,"last_sync_at": string | null,"last_sync_status": string | null,"next_sync_at": string | null,"priority_score": number,"status": string,"sync_attempts": number,"sync_frequency_hours": number,"tracked_repository_id": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Insert: {
                    "added_at"?: string,"added_by"?: string | null,"data_retention_days"?: number,"fetch_commits"?: boolean,"fetch_discussions"?: boolean,"fetch_issues"?: boolean,"fetch_reviews"?: boolean,"id"?: string,"last_error"?: string | null,"last_sync_at"?: string | null,"last_sync_status"?: string | null,"next_sync_at"?: string | null,"priority_score"?: number,"status"?: string,"sync_attempts"?: number,"sync_frequency_hours"?: number,"tracked_repository_id": string,"workspace_id": string
                  }
                  Update: {
                    "added_at"?: string,"added_by"?: string | null,"data_retention_days"?: number,"fetch_commits"?: boolean,"fetch_discussions"?: boolean,"fetch_issues"?: boolean,"fetch_reviews"?: boolean,"id"?: string,"last_error"?: string | null,"last_sync_at"?: string | null,"last_sync_status"?: string | null,"next_sync_at"?: string | null,"priority_score"?: number,"status"?: string,"sync_attempts"?: number,"sync_frequency_hours"?: number,"tracked_repository_id"?: string,"workspace_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "workspace_tracked_repositories_tracked_repository_id_fkey"
      columns: ["tracked_repository_id"]
isOneToOne: false
      referencedRelation: "tracked_repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "workspace_tracked_repositories_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"workspaces": {
                  Row: {
                    "created_at": string,"id": string,"name": string,"retention_days": number,"slug": string,"tier": string,"updated_at": string
                  }
                  ComputedFields: never
                  Insert: {
                    "created_at"?: string,"id"?: string,"name": string,"retention_days": number,"slug": string,"tier"?: string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"name"?: string,"retention_days"?: number,"slug"?: string,"tier"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "workspaces_tier_fkey"
      columns: ["tier"]
isOneToOne: false
      referencedRelation: "tier_plans"
      referencedColumns: ["tier"]
    }
                  ]
                }
          }
          Views: {
            "backfill_data_type_status": {
                  Row: {
                    "attempts": number,"data_type": string,"estimated_total": number | null,"full_name": string | null,"heartbeat_at": string | null,"items_done": number,"job_id": string,"last_error": string | null,"percent": number | null,"status": string,"task_id": number,"tracked_repository_id": string,"updated_at": string,"window_start": string | null,"workspace_id": string
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "backfill_progress_task_id_fkey"
      columns: ["task_id"]
isOneToOne: false
      referencedRelation: "backfill_repository_status"
      referencedColumns: ["task_id"]
    },{
      foreignKeyName: "backfill_progress_task_id_fkey"
      columns: ["task_id"]
isOneToOne: false
      referencedRelation: "backfill_tasks"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_job_id_fkey"
      columns: ["job_id"]
isOneToOne: false
      referencedRelation: "backfill_job_status"
      referencedColumns: ["job_id"]
    },{
      foreignKeyName: "backfill_tasks_job_id_fkey"
      columns: ["job_id"]
isOneToOne: false
      referencedRelation: "backfill_jobs"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_tracked_repository_id_fkey"
      columns: ["tracked_repository_id"]
isOneToOne: false
      referencedRelation: "tracked_repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"backfill_job_status": {
                  Row: {
                    "cancelled_at": string | null,"cancelled_tasks": number,"completed_tasks": number,"created_at": string,"created_by": string | null,"data_types": (string)[],"estimated_completion_at": string | null,"estimated_total": number | null,"eta_limited_by": string | null,"eta_seconds": number | null,"failed_repositories": Json | null,"failed_tasks": number,"finished_at": string | null,"items_done": number | null,"job_id": string,"kind": string,"last_error": string | null,"percent": number | null,"points_used": number,"remaining_tasks": number | null,"started_at": string | null,"status": string,"total_tasks": number,"window_days": number,"workspace_id": string
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "backfill_jobs_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"backfill_repository_status": {
                  Row: {
                    "attempts": number,"created_at": string,"estimated_total": number | null,"eta_limited_by": string | null,"eta_seconds": number | null,"finished_at": string | null,"full_name": string | null,"heartbeat_at": string | null,"items_done": number | null,"job_id": string,"last_error": string | null,"percent": number | null,"points_used": number,"repository_id": number | null,"started_at": string | null,"status": string | null,"task_id": number,"tracked_repository_id": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "backfill_tasks_job_id_fkey"
      columns: ["job_id"]
isOneToOne: false
      referencedRelation: "backfill_job_status"
      referencedColumns: ["job_id"]
    },{
      foreignKeyName: "backfill_tasks_job_id_fkey"
      columns: ["job_id"]
isOneToOne: false
      referencedRelation: "backfill_jobs"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_tracked_repository_id_fkey"
      columns: ["tracked_repository_id"]
isOneToOne: false
      referencedRelation: "tracked_repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "backfill_tasks_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                },"workspace_data_coverage": {
                  Row: {
                    "data_type": string | null,"full_name": string | null,"newest_at": string | null,"oldest_at": string | null,"repository_id": number | null,"tracked_repository_id": string,"workspace_id": string
                  }
                  ComputedFields: never
                  Relationships: [
                    {
      foreignKeyName: "tracked_repositories_repository_id_fkey"
      columns: ["repository_id"]
isOneToOne: false
      referencedRelation: "repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "workspace_tracked_repositories_tracked_repository_id_fkey"
      columns: ["tracked_repository_id"]
isOneToOne: false
      referencedRelation: "tracked_repositories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "workspace_tracked_repositories_workspace_id_fkey"
      columns: ["workspace_id"]
isOneToOne: false
      referencedRelation: "workspaces"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Functions: {
            "bulk_add_repositories":
{ Args: { "repositories": (string)[],"start_initial_backfill"?: boolean,"workspace_id": string }; Returns: Json
                           },
"calculate_workspace_repo_priority":
{ Args: Record<PropertyKey, never>; Returns: number
                           },
"cancel_backfill":
{ Args: { "job_id": string }; Returns: {
              "cancelled_at": string | null,
"cancelled_tasks": number,
"completed_tasks": number,
"created_at": string,
"created_by": string | null,
"data_types": (string)[],
"error": string | null,
"failed_tasks": number,
"finished_at": string | null,
"id": string,
"items_done": number,
"kind": string,
"max_in_flight_per_owner": number | null,
"max_prs_per_repo": number | null,
"points_used": number,
"source": NonNullable<Json>,
"started_at": string | null,
"status": string,
"total_tasks": number,
"tracked_repository_ids": (string)[] | null,
"window_days": number,
"workspace_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "backfill_jobs"
        isOneToOne: true
        isSetofReturn: false
      } },
"connect_github_token":
{ Args: { "account"?: string,"token": string,"workspace_id": string }; Returns: string
                           },
"create_workspace":
{ Args: { "name": string,"slug": string }; Returns: {
              "created_at": string,
"id": string,
"name": string,
"retention_days": number,
"slug": string,
"tier": string,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "workspaces"
        isOneToOne: true
        isSetofReturn: false
      } },
"disconnect_github_token":
{ Args: { "credential_id": string,"workspace_id": string }; Returns: undefined
                           },
"estimate_bulk_add":
{ Args: { "repositories": (string)[],"workspace_id": string }; Returns: Json
                           },
"get_star_fork_velocity":
{ Args: { "period_days"?: number,"repository_id"?: number,"workspace_id": string }; Returns: {
              "current_per_day": number,"current_period_start": string,"current_total": number,"metric": string,"percent_change": number,"period_end": string,"previous_per_day": number,"previous_period_start": string,"previous_total": number
            }[]
                           },
"get_workspace_activity":
{ Args: { "period_days"?: number,"workspace_id": string }; Returns: Json
                           },
"get_workspace_repos_for_sync":
{ Args: { "limit"?: number }; Returns: {
              "carrier_workspace_id": string,"data_types": (string)[],"full_name": string,"priority_score": number,"repository_id": number,"since": string,"tracked_repository_id": string,"window_days": number,"workspace_ids": (string)[]
            }[]
                           },
"github_credentials":
{ Args: { "workspace_id": string }; Returns: {
              "account": string,"created_at": string,"disabled_reason": string,"enabled": boolean,"id": string,"kind": string
            }[]
                           },
"mark_notification_read":
{ Args: { "notification_id": string }; Returns: {
              "created_at": string,
"id": string,
"kind": string,
"payload": NonNullable<Json>,
"read_at": string | null,
"title": string,
"user_id": string,
"workspace_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "notifications"
        isOneToOne: true
        isSetofReturn: false
      } },
"retry_backfill":
{ Args: { "job_id": string,"tracked_repository_id"?: string }; Returns: {
              "cancelled_at": string | null,
"cancelled_tasks": number,
"completed_tasks": number,
"created_at": string,
"created_by": string | null,
"data_types": (string)[],
"error": string | null,
"failed_tasks": number,
"finished_at": string | null,
"id": string,
"items_done": number,
"kind": string,
"max_in_flight_per_owner": number | null,
"max_prs_per_repo": number | null,
"points_used": number,
"source": NonNullable<Json>,
"started_at": string | null,
"status": string,
"total_tasks": number,
"tracked_repository_ids": (string)[] | null,
"window_days": number,
"workspace_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "backfill_jobs"
        isOneToOne: true
        isSetofReturn: false
      } },
"start_manual_backfill":
{ Args: { "data_types"?: (string)[],"days"?: number,"tracked_repository_ids"?: (string)[],"workspace_id": string }; Returns: {
              "cancelled_at": string | null,
"cancelled_tasks": number,
"completed_tasks": number,
"created_at": string,
"created_by": string | null,
"data_types": (string)[],
"error": string | null,
"failed_tasks": number,
"finished_at": string | null,
"id": string,
"items_done": number,
"kind": string,
"max_in_flight_per_owner": number | null,
"max_prs_per_repo": number | null,
"points_used": number,
"source": NonNullable<Json>,
"started_at": string | null,
"status": string,
"total_tasks": number,
"tracked_repository_ids": (string)[] | null,
"window_days": number,
"workspace_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "backfill_jobs"
        isOneToOne: true
        isSetofReturn: false
      } },
"update_workspace_repository_settings":
{ Args: { "settings": Json,"tracked_repository_id": string,"workspace_id": string }; Returns: {
              "added_at": string,
"added_by": string | null,
"data_retention_days": number,
"fetch_commits": boolean,
"fetch_discussions": boolean,
"fetch_issues": boolean,
"fetch_reviews": boolean,
"id": string,
"last_error": string | null,
"last_sync_at": string | null,
"last_sync_status": string | null,
"next_sync_at": string | null,
"priority_score": number,
"status": string,
"sync_attempts": number,
"sync_frequency_hours": number,
"tracked_repository_id": string,
"workspace_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "workspace_tracked_repositories"
        isOneToOne: true
        isSetofReturn: false
      } },
"update_workspace_sync_status":
{ Args: { "error"?: string,"status": string,"synced_at"?: string,"tracked_repository_id": string,"workspace_id"?: string }; Returns: number
                           },
"workspace_active_addons":
{ Args: { "workspace_id": string }; Returns: {
              "addon_type": string,"expires_at": string,"id": string,"purchased_at": string,"retention_days": number,"status": string
            }[]
                           },
"workspace_has_extended_retention":
{ Args: { "workspace_id": string }; Returns: boolean
                           },
"workspace_retention_days":
{ Args: { "workspace_id": string }; Returns: number
                           }
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "public": {
          Enums: {
            
          }
        }
} as const
