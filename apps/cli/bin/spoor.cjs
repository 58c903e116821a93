#!/usr/bin/env node
// Entry of the `spoor` command; the implementation is the compiled apps/cli/src/main.ts.
//
// CommonJS on purpose: Node sizes its libuv thread pool when the pool is first used, and loading an
// ES module entry already uses it, so only a CommonJS entry can size it in time. The embedded
// engine runs each query on a pool thread until the query ends; the pool is shared with the
// worker's inserts, gzip and the file system. 64 threads leave room for the ClickHouse HTTP
// interface's lanes (analyst at most 32, writer 32) and everything else.
process.env.UV_THREADPOOL_SIZE ??= '64';
import('../dist/main.js').then(({ main }) => main(process.argv.slice(2)));
