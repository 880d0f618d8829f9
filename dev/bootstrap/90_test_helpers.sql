-- The pgTAP helpers (schema tests) live with the tests, so `supabase test db` can install them on
-- Supabase's own stack; the local stack installs the same file up front, so any single test file
-- runs alone (pg_prove one file) without the suite's first file.
\ir ../../supabase/tests/database/_helpers/supabase_test_helpers.psql
