-- detach_archive() takes a queue's archive table out of the extension, so that DROP EXTENSION
-- (and pg_dump's extension handling) no longer treats it as pgmq's; the queue keeps working.
begin;
select plan(5);

select has_function('pgmq', 'detach_archive', array['text'], 'pgmq.detach_archive(queue_name) exists.');

select pgmq.create('pgtap_detach');
select pgmq.send('pgtap_detach', '{"keep": true}');
select pgmq.archive('pgtap_detach', 1::bigint);

select lives_ok($$select pgmq.detach_archive('pgtap_detach')$$, 'An archive can be detached.');

select is(
  (select count(*) from pg_depend d join pg_extension e on e.oid = d.refobjid
   where e.extname = 'pgmq' and d.deptype = 'e'
     and d.objid in ('pgmq.q_pgtap_detach'::regclass, 'pgmq.a_pgtap_detach'::regclass)),
  1::bigint,
  'Only the queue table is still an extension member.');

select pgmq.send('pgtap_detach', '{"keep": 2}');
select pgmq.archive('pgtap_detach', 2::bigint);
select is((select count(*) from pgmq.a_pgtap_detach), 2::bigint,
  'The detached archive keeps its rows and still receives archived messages.');

select throws_ok($$select pgmq.detach_archive('pgtap_detach')$$,
  '55000', 'table pgmq.a_pgtap_detach is not a member of extension "pgmq"',
  'Detaching twice fails, as ALTER EXTENSION ... DROP TABLE does.');

select * from finish();
rollback;
