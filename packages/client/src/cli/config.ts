import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export type CliConfig = { url: string; apiKey: string };

/** The user's config directory: XDG_CONFIG_HOME (or ~/.config), Application Support on macOS, APPDATA on Windows. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, "souk");
  if (process.platform === "win32" && env.APPDATA) return path.join(env.APPDATA, "souk");
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Application Support", "souk");
  return path.join(os.homedir(), ".config", "souk");
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), "config.json");

/** SOUK_URL and SOUK_API_KEY win over the saved login (CI, scripts); null when neither gives both. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<CliConfig | null> {
  let saved: Partial<CliConfig> = {};
  try {
    saved = JSON.parse(await readFile(configFile(env), "utf8")) as Partial<CliConfig>;
  } catch {
    // No saved login yet.
  }
  const url = env.SOUK_URL || saved.url;
  const apiKey = env.SOUK_API_KEY || saved.apiKey;
  return url && apiKey ? { url, apiKey } : null;
}

/** The key is a secret: the file is the user's alone (0600, in a 0700 directory). */
export async function saveConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const file = configFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  // writeFile's mode applies only to a new file: tighten one that existed.
  await chmod(file, 0o600);
  return file;
}
