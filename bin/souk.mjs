#!/usr/bin/env node
// `npx souk` in the repository: runs scripts/souk.ts through tsx (the app's path aliases included).
import { register } from "tsx/esm/api";

register();
await import("../scripts/souk.ts");
