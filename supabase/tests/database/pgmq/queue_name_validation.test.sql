-- Queue names are validated like pgmq 1.4 does: too long names and names
-- with SQL-significant characters are rejected, and every name is used as a
-- quoted identifier, so no name can inject SQL.
begin;
select plan(13);

select has_function('pgmq', 'validate_queue_name', array['text'],
  'pgmq.validate_queue_name(queue_name) exists.');
select has_function('pgmq', 'format_table_name', array['text', 'text'],
  'pgmq.format_table_name(queue_name, prefix) exists.');

select throws_ok(
  format($$select pgmq.create(%L)$$, repeat('x', 48)),
  'queue name is too long, maximum length is 47 characters',
  'A 48 character queue name is rejected as too long.');

select lives_ok(
  format($$select pgmq.create(%L)$$, repeat('x', 47)),
  'A 47 character queue name is accepted.');

select throws_ok($$select pgmq.create('bad$name')$$,
  'queue name contains invalid characters: $, ;, --, or ''',
  'A queue name containing $ is rejected.');
select throws_ok($$select pgmq.create('bad;name')$$,
  'queue name contains invalid characters: $, ;, --, or ''',
  'A queue name containing ; is rejected.');
select throws_ok($$select pgmq.create('bad--name')$$,
  'queue name contains invalid characters: $, ;, --, or ''',
  'A queue name containing -- is rejected.');
select throws_ok($$select pgmq.create('bad''name')$$,
  'queue name contains invalid characters: $, ;, --, or ''',
  'A queue name containing a single quote is rejected.');
select throws_ok($$select pgmq.send('x"; drop table pgmq.meta; --', '{}')$$,
  'queue name contains invalid characters: $, ;, --, or ''',
  'An injection attempt through a queue name is rejected by every function, not only create.');

select is(pgmq.format_table_name('MixedCase', 'q'), 'q_mixedcase',
  'Table names are derived from lower-cased queue names.');

select lives_ok($$select pgmq.create('MixedCase'); select pgmq.send('mixedcase', '{"ok": true}')$$,
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
