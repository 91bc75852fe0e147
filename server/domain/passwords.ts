import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 defaults to Argon2id; these are OWASP's recommended minimums.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A real hash to verify against when the account does not exist, so the
// response time does not reveal which emails are registered.
let decoyHash: Promise<string> | undefined;
export async function burnVerifyTime(password: string): Promise<void> {
  decoyHash ??= hashPassword("decoy-password-for-timing");
  await verifyPassword(await decoyHash, password);
}
