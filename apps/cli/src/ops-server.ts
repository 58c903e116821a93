// The small listener of a process without a public port (`spoor worker`): liveness, readiness and
// Prometheus metrics, so an orchestrator can probe it and a scraper can read it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runChecks } from '@spoor/collector';

export interface OpsEndpoints {
  /** Named checks; the process is ready when all pass (each gets 2 s). */
  readiness: Record<string, () => Promise<boolean>>;
  /** True once the process began to shut down: ready no more. */
  draining: () => boolean;
  metrics: () => Promise<string>;
}

export interface RunningOpsServer {
  port: number;
  close(): Promise<void>;
}

export function startOpsServer(port: number, host: string, ops: OpsEndpoints): Promise<RunningOpsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const json = (status: number, body: object) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return json(405, { error: 'method_not_allowed' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      void runChecks(ops.readiness).then((checks) => {
        const ready = !ops.draining() && Object.values(checks).every(Boolean);
        json(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', shutting_down: ops.draining(), checks });
      });
      return;
    }
    if (path === '/metrics') {
      void ops.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (err: Error) => json(500, { error: 'internal', message: err.message }),
      );
      return;
    }
    return json(404, { error: 'not_found' });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
