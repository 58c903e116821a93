// Lowers the calling thread's scheduling priority, and only its own: on Linux a thread's id is a
// valid target of setpriority(2), which then leaves the process's other threads alone.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Sets the calling thread's nice value (higher is lower priority; raising it needs no privilege).
 * False where a thread cannot be told apart (not Linux) or the system refuses.
 */
export function niceThisThread(nice: number): boolean {
  let tid: number;
  try {
    // `/proc/thread-self` links to `PID/task/TID` of whichever thread reads it.
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return false;
  }
  if (!Number.isInteger(tid) || tid <= 0) return false;
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
