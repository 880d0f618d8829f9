-- pg_net is not part of the platform bootstrap: as on hosted Supabase, the migrations create it
-- (`create extension if not exists pg_net with schema extensions`), and the stack installs the
-- local stand-in's files (dev/pg_net) so that statement works here.
--
-- Clusters made before pg_net became an extension carry a hand-made schema net from an earlier
-- version of this file. CREATE EXTENSION cannot adopt a schema it does not own ("schema net is
-- not a member of extension pg_net"), so that leftover is dropped; it only ever held local
-- request and response rows.

set client_min_messages = warning;

do $$
begin
  if exists (select from pg_namespace where nspname = 'net')
     and not exists (select from pg_extension where extname = 'pg_net') then
    drop schema net cascade;
  end if;
end
$$;
