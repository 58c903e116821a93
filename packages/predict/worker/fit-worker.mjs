// Runs fitModels off the main thread (fit-thread.ts starts it), so a long fit never stalls the
// collector or the worker's inserts that share the process.
import { parentPort, workerData } from 'node:worker_threads';
import { fitModels } from '@spoor/predict';

parentPort.postMessage(fitModels(workerData.inputs, workerData.options));
