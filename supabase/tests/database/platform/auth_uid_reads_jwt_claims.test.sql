-- auth.uid()/role()/email()/jwt() read request.jwt.claims as PostgREST sets it, fall back to
-- the legacy request.jwt.claim.* settings, and are null without claims.
begin;
select plan(10);

select is(auth.uid(), null, 'auth.uid() is null when no claims are set');
select is(auth.jwt(), null, 'auth.jwt() is null when no claims are set');

set local role authenticated;
select set_config('request.jwt.claims',
  '{"sub": "6a1b0f4e-2d3c-4b5a-9e8f-7a6b5c4d3e2f", "role": "authenticated", "email": "ada@example.com", "app_metadata": {"plan": "pro"}}',
  true);

select is(auth.uid(), '6a1b0f4e-2d3c-4b5a-9e8f-7a6b5c4d3e2f'::uuid,
  'auth.uid() returns the sub claim of request.jwt.claims to the authenticated role');
select is(auth.role(), 'authenticated', 'auth.role() returns the role claim');
select is(auth.email(), 'ada@example.com', 'auth.email() returns the email claim');
select is(auth.jwt() -> 'app_metadata' ->> 'plan', 'pro', 'auth.jwt() returns the whole claims object');

select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'auth.uid() is null again once the claims are cleared');

select set_config('request.jwt.claim.sub', '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b', true);
select set_config('request.jwt.claim.role', 'service_role', true);
select is(auth.uid(), '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b'::uuid,
  'auth.uid() falls back to the legacy request.jwt.claim.sub setting');
select is(auth.role(), 'service_role', 'auth.role() falls back to the legacy request.jwt.claim.role setting');

select set_config('request.jwt.claims', '{"sub": "6a1b0f4e-2d3c-4b5a-9e8f-7a6b5c4d3e2f"}', true);
select is(auth.uid(), '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b'::uuid,
  'the legacy setting wins over request.jwt.claims when both are set, as on Supabase');

select * from finish();
rollback;
