/**
 * Errors of the database doors, in a module of their own (no pool, no env) so
 * the API's error map can recognise them without opening a connection pool.
 */

/** No pooled connection became free within DATABASE_ACQUIRE_TIMEOUT_MS. */
export class DatabaseBusyError extends Error {
  constructor(waitedMs: number) {
    super(`The database is busy: no connection became free within ${waitedMs} ms`);
    this.name = "DatabaseBusyError";
  }
}

/** A door opened while another is still open in the same request or job. */
export class NestedDoorError extends Error {
  constructor(outer: string, inner: string) {
    super(`Database door "${inner}" opened inside "${outer}": finish the outer transaction first (one connection per request)`);
    this.name = "NestedDoorError";
  }
}
