// fitModels in a worker thread: the optimiser runs for seconds on a large shop and would
// otherwise hold the event loop of the process it runs in (spoor up serves the collector too).
import { Worker } from 'node:worker_threads';
import { PredictError } from './errors.js';
import type { FitOptions, ModelInputs, SiteOutcomes } from './fit-models.js';

const WORKER_URL = new URL('../worker/fit-worker.mjs', import.meta.url);

export function fitModelsInThread(inputs: ModelInputs, options: FitOptions): Promise<SiteOutcomes> {
  return new Promise<SiteOutcomes>((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { inputs, options } });
    let settled = false;
    worker.once('message', (result: SiteOutcomes) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new PredictError('fit_failed', `the fit failed: ${err.message}`, { cause: err }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new PredictError('fit_failed', `the fit stopped before it finished (exit code ${code})`));
    });
  });
}
