import { Session } from 'chdb';
import chdbNode from 'chdb';
const s = new Session('/tmp/exp/db9');
await s.queryAsync("CREATE TABLE IF NOT EXISTS t (a UInt32) ENGINE = MergeTree ORDER BY a");
const r = await s.queryAsync("INSERT INTO t FORMAT JSONEachRow\n{\"a\":1}\n{\"a\":2}\n", {format:'TSV'});
console.log('insert result', r.rowsRead, r.bytesRead, r.elapsed, r.text().length, Object.keys(r));
try { const e = await s.queryAsync("INSERT INTO t FORMAT JSONEachRow\n", {format:'TSV'}); console.log('empty insert ok', e.rowsRead); } catch (e) { console.log('empty insert err', e.message.slice(0,150)); }
try { const e = await s.queryAsync("INSERT INTO t FORMAT JSONEachRow", {format:'TSV'}); console.log('empty insert2 ok', e.rowsRead); } catch (e) { console.log('empty insert2 err', e.message.slice(0,150)); }
const st = s.queryStream("SELECT number FROM numbers(5)", {format:'TSV'});
const it = st[Symbol.asyncIterator]();
for (;;) { const x = await it.next(); console.log(x.done, x.value && x.value.numRows, x.value && Object.keys(x.value)); if (x.done) break; }
console.log(Object.getOwnPropertyNames(Object.getPrototypeOf(st)));
const r2 = await s.queryAsync("SELECT count() FROM numbers(5)", {format:'TSV'});
console.log('select', r2.rowsRead, r2.bytesRead);
