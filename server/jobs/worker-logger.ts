import { Logger } from "graphile-worker";
import { logger } from "@/server/logger";

/** graphile-worker's own messages go to pino; its per-job "completed" chatter only at debug level. */
export const workerLogger = new Logger((scope) => (level, message, meta) => {
  const fields = { scope, ...meta };
  if (level === "error") logger.error(fields, message);
  else if (level === "warning") logger.warn(fields, message);
  else logger.debug(fields, message);
});
