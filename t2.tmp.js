require('reflect-metadata');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');
const p = require('./dist/libs/persistence/src');
const { benchMember } = require('./dist/bench/src/seeding');
(async () => {
  const t0 = Date.now();
  const db = await PGlite.create({ dataDir: '/tmp/sa/pgdata' });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 40 });
  await server.start();
  console.log('started', Date.now() - t0);
  const url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
  const ds = await p.openDataSource(url, 3);
  console.log('migrated', await p.migrate(ds), Date.now() - t0);
  const repo = new p.MemberRepository(ds);
  const all = p.AALST_BINS.map(b => b.id);
  for (let from = (await repo.count()); from < 3000; from += 500) { const ms=[]; for (let n=from;n<from+500;n++) ms.push(benchMember(n, all)); await repo.registerMany(ms); }
  console.log('seeded', await repo.count(), Date.now() - t0);
  console.log(await ds.query(`SELECT gen_random_uuid() AS u, pg_advisory_lock(1), pg_try_advisory_lock(2) AS t`));
  const q = ds.createQueryRunner(); await q.connect(); await q.startTransaction();
  console.log(await q.query(`SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 5 FOR UPDATE SKIP LOCKED`));
  await q.commitTransaction(); await q.release();
  await ds.destroy(); await server.stop(); await db.close();
  console.log('done', Date.now() - t0);
})().catch(e => { console.error(e); process.exit(1); });
