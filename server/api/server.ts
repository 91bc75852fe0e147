import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "./root";
import { contextFromSession } from "./session-context";

/** Server Components call procedures directly through this caller (no HTTP round trip), once context per request. */
export const getServerApi = cache(async () => createCaller(await contextFromSession(await headers())));
