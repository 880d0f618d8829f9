-- vault.create_secret stores a secret encrypted, vault.decrypted_secrets gives it back,
-- vault.update_secret changes it, and the API roles other than service_role cannot read it.
begin;
select plan(10);

create temp table created as
select vault.create_secret('ghp_round_trip_token', 'platform_test_token', 'a test token') as id;
select is((select id from vault.secrets where name = 'platform_test_token'), (select id from created),
  'vault.create_secret stores a named secret and returns its id');

select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 'platform_test_token'),
  'ghp_round_trip_token',
  'vault.decrypted_secrets returns the plaintext of the stored secret');

select is(
  (select description from vault.decrypted_secrets where name = 'platform_test_token'),
  'a test token',
  'the description is stored as given');

select isnt(
  (select secret from vault.secrets where name = 'platform_test_token'),
  'ghp_round_trip_token',
  'the secret column of vault.secrets does not hold the plaintext');

select ok(
  (select position(convert_to('ghp_round_trip_token', 'UTF8') in decode(secret, 'base64')) = 0
     from vault.secrets where name = 'platform_test_token'),
  'the stored bytes do not contain the plaintext');

select throws_ok(
  $$ select vault.create_secret('another', 'platform_test_token') $$,
  '23505', null,
  'secret names are unique');

select vault.update_secret(
  (select id from vault.secrets where name = 'platform_test_token'),
  'ghp_rotated_token', 'platform_test_token_v2');

select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 'platform_test_token_v2'),
  'ghp_rotated_token',
  'vault.update_secret replaces the secret and the name');

set local role service_role;
select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 'platform_test_token_v2'),
  'ghp_rotated_token',
  'service_role can read vault.decrypted_secrets, as on Supabase');
reset role;

set local role authenticated;
select throws_ok(
  $$ select decrypted_secret from vault.decrypted_secrets $$,
  '42501', null,
  'authenticated cannot read vault.decrypted_secrets');
select throws_ok(
  $$ select vault.create_secret('x', 'y') $$,
  '42501', null,
  'authenticated cannot call vault.create_secret');
reset role;

select * from finish();
rollback;
