// The interface's running queries by the client's query_id, so `KILL QUERY WHERE query_id = …`
// reaches them. The engine's own KILL cannot: the embedded engine gives each query an id of its own
// and never ends one from another connection. Ending here means the result stream stops at its
// next chunk (the engine computes the chunk in hand to its end, which max_execution_time bounds).
import { ClickHouseHttpError } from './errors.js';

interface Running {
  queryId: string;
  user: string;
  query: string;
  cancel(): void;
  finished: Promise<void>;
}

export interface KillRow {
  kill_status: 'waiting' | 'finished' | 'pending';
  query_id: string;
  user: string;
  query: string;
}

export class RunningQueries {
  private readonly byId = new Map<string, Running>();

  /** Registers a query; the returned function marks it finished. */
  add(queryId: string, user: string, query: string, cancel: () => void): () => void {
    if (this.byId.has(queryId)) {
      throw ClickHouseHttpError.of('QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING', `Query with id = ${queryId} is already running.`);
    }
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    this.byId.set(queryId, { queryId, user, query, cancel, finished });
    return () => {
      this.byId.delete(queryId);
      finish();
    };
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Ends the queries with these ids. A read-only caller may end only its own queries, as on a
   * server. `mode`: SYNC waits until they finished, ASYNC does not, TEST ends nothing.
   */
  async kill(ids: string[], caller: { user: string; readonly: boolean }, mode: 'SYNC' | 'ASYNC' | 'TEST'): Promise<KillRow[]> {
    const found = ids.map((id) => this.byId.get(id)).filter((r): r is Running => r !== undefined);
    if (caller.readonly && found.some((r) => r.user !== caller.user)) {
      throw ClickHouseHttpError.of(
        'ACCESS_DENIED',
        `${caller.user}: Not enough privileges. To execute this query, it's necessary to have the grant KILL QUERY ON *.*`,
      );
    }
    if (mode === 'TEST') return found.map((r) => row(r, 'pending'));
    for (const r of found) r.cancel();
    if (mode === 'ASYNC') return found.map((r) => row(r, 'waiting'));
    await Promise.all(found.map((r) => r.finished));
    return found.map((r) => row(r, 'finished'));
  }
}

function row(r: Running, kill_status: KillRow['kill_status']): KillRow {
  return { kill_status, query_id: r.queryId, user: r.user, query: r.query };
}
