-- Queue names are checked as pgmq 1.4.4 checks them, with its messages: names of 48 characters or
-- more and names containing $ ; -- or ' are refused; nothing else is (an empty name is accepted),
-- and every name reaches SQL only as a quoted identifier, so none can inject SQL.
begin;
select plan(16);

select has_function('pgmq', 'validate_queue_name', array['text'],
  'pgmq.validate_queue_name(queue_name) exists.');
select has_function('pgmq', 'format_table_name', array['text', 'text'],
  'pgmq.format_table_name(queue_name, prefix) exists.');

select throws_ok(
  format($$select pgmq.create(%L)$$, repeat('x', 48)),
  'P0001', 'queue name is too long, maximum length is 48 characters',
  'A 48 character queue name is rejected as too long, with upstream''s message.');

select pgmq.create(repeat('x', 47));
select ok(to_regclass('pgmq.q_' || repeat('x', 47)) is not null, 'A 47 character queue name is accepted: its table exists.');

select throws_ok($$select pgmq.create('bad$name')$$,
  'P0001', 'queue name contains invalid characters: $, ;, --, or \''',
  'A queue name containing $ is rejected, with upstream''s message (which ends in a backslash and a quote).');
select throws_ok($$select pgmq.create('bad;name')$$,
  'P0001', 'queue name contains invalid characters: $, ;, --, or \''',
  'A queue name containing ; is rejected.');
select throws_ok($$select pgmq.create('bad--name')$$,
  'P0001', 'queue name contains invalid characters: $, ;, --, or \''',
  'A queue name containing -- is rejected.');
select throws_ok($$select pgmq.create('bad''name')$$,
  'P0001', 'queue name contains invalid characters: $, ;, --, or \''',
  'A queue name containing a single quote is rejected.');
select throws_ok($$select pgmq.send('x"; drop table pgmq.meta; --', '{}')$$,
  'P0001', 'queue name contains invalid characters: $, ;, --, or \''',
  'An injection attempt through a queue name is rejected by every function, not only create.');

select throws_ok($$select pgmq.create(null)$$,
  '22004', 'null values cannot be formatted as an SQL identifier',
  'A NULL queue name fails when the table name is formatted.');

set local client_min_messages = warning;
select lives_ok($$select pgmq.create('')$$,
  'An empty queue name is accepted, as upstream does not check for it.');
select ok(to_regclass('pgmq.q_') is not null and to_regclass('pgmq.a_') is not null,
  'The empty name maps to the tables pgmq.q_ and pgmq.a_.');

select is(pgmq.format_table_name('MixedCase', 'q'), 'q_mixedcase',
  'Table names are derived from lower-cased queue names.');

select pgmq.create('MixedCase');
select pgmq.send('mixedcase', '{"ok": true}');
select is((select message from pgmq.q_mixedcase), '{"ok": true}'::jsonb,
  'A queue created with upper-case letters is addressed through its lower-cased table.');

-- Names needing quoting still work because identifiers are always quoted.
select lives_ok($$select pgmq.create('with space"and quote')$$,
  'A queue name that needs identifier quoting can be created.');
select results_eq(
  $$select pgmq.send('with space"and quote', '{"n": 1}')
    union all
    select msg_id from pgmq.read('with space"and quote', 30, 1)$$,
  $$values (1::bigint), (1::bigint)$$,
  'Messages can be sent to and read from a queue whose name needs quoting.');

select * from finish();
rollback;
