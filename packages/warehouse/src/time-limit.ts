// A promise held to a time limit: the work's own outcome, or `fail()`'s error once `ms` have
// passed, whichever comes first (the work itself goes on; callers stop waiting for it).

export function withTimeLimit<T>(work: Promise<T>, ms: number, fail: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail()), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
