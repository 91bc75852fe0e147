/**
 * Group commit for small, independent writes that callers must wait for (webhook intake):
 * each caller hands in one item and gets its own result, and the items that arrive while
 * a write is in flight go to the database together in the next one. Under load, N tiny
 * transactions (each with its round trips, commit and queue notification) become a few
 * large ones; with no load, an item is written at once, alone.
 *
 * A failed batch is retried item by item, so one bad item fails alone.
 */
export function groupCommit<T, R>(write: (items: T[]) => Promise<R[]>, maxBatch = 200): (item: T) => Promise<R> {
  type Waiter = { item: T; resolve: (result: R) => void; reject: (error: unknown) => void };
  const queue: Waiter[] = [];
  let writing = false;

  async function writeAlone(waiter: Waiter) {
    try {
      const [result] = await write([waiter.item]);
      waiter.resolve(result!);
    } catch (error) {
      waiter.reject(error);
    }
  }

  async function drain() {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        try {
          const results = await write(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(results[i]!));
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          else for (const w of batch) await writeAlone(w);
        }
      }
    } finally {
      writing = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}
