// Stripe wire format: form-encoded request bodies with bracket nesting, JSON responses and errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export type FormValue = string | FormValue[] | FormObject;
export type FormObject = { [key: string]: FormValue };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly type: string = 'invalid_request_error',
  ) {
    super(message);
  }
}

export const missing = (kind: string, id: string, param = 'id'): ApiError =>
  new ApiError(404, `No such ${kind}: '${id}'`, 'resource_missing', param);

export const badParam = (param: string, message: string): ApiError =>
  new ApiError(400, message, 'parameter_invalid', param);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return `${prefix}_${out}`;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses `a[b][0][c]=1&expand[]=x` into nested objects; index-only objects become arrays. */
export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = m ? [m[1] ?? '', ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1] ?? '')] : [rawKey];
    if (path.some((p) => UNSAFE_KEYS.has(p))) continue;
    let node: FormObject = root;
    for (let i = 0; i < path.length; i++) {
      let key = path[i] ?? '';
      if (key === '') key = String(Object.keys(node).length); // `[]` appends
      if (i === path.length - 1) {
        node[key] = value;
      } else {
        const next = node[key];
        if (next === undefined || typeof next === 'string' || Array.isArray(next)) node[key] = {};
        node = node[key] as FormObject;
      }
    }
  }
  return arrayify(root, '') as FormObject;
}

function arrayify(value: FormValue, key: string): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  for (const k of keys) value[k] = arrayify(value[k] ?? '', k);
  const numeric = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
  if (!numeric || key === 'metadata') return value;
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k] ?? '');
}

// ---- typed accessors over parsed params ----

export function str(p: FormObject, key: string): string | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badParam(key, `Invalid string: ${key} must be a string`);
  return v;
}

export function reqStr(p: FormObject, key: string, param = key): string {
  const v = str(p, key);
  if (v === undefined || v === '') throw new ApiError(400, `Missing required param: ${param}.`, 'parameter_missing', param);
  return v;
}

export function int(p: FormObject, key: string, param = key): number | undefined {
  const v = str(p, key);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badParam(param, `Invalid integer: ${v}`);
  return Number(v);
}

export function bool(p: FormObject, key: string): boolean | undefined {
  const v = str(p, key);
  if (v === undefined || v === '') return undefined;
  if (v !== 'true' && v !== 'false') throw badParam(key, `Invalid boolean: ${v}`);
  return v === 'true';
}

export function obj(p: FormObject, key: string): FormObject | undefined {
  const v = p[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'string' || Array.isArray(v)) throw badParam(key, `Invalid object: ${key} must be a hash`);
  return v;
}

/** A list param: `k[0]=a&k[1]=b`, `k[]=a` or a single `k=a`. */
export function list(p: FormObject, key: string): FormValue[] {
  const v = p[key];
  if (v === undefined || v === '') return [];
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  return Object.values(v);
}

export function strList(p: FormObject, key: string): string[] {
  return list(p, key).filter((v): v is string => typeof v === 'string');
}

export function objList(p: FormObject, key: string): FormObject[] {
  return list(p, key).map((v, i) => {
    if (typeof v === 'string' || Array.isArray(v)) throw badParam(`${key}[${i}]`, `Invalid object: ${key}[${i}]`);
    return v;
  });
}

/** Stripe metadata semantics: keys merge, an empty value removes a key, `metadata=` clears all. */
export function mergeMetadata(current: Record<string, string>, p: FormObject, key = 'metadata'): Record<string, string> {
  const v = p[key];
  if (v === undefined) return current;
  if (v === '') return {};
  if (typeof v === 'string' || Array.isArray(v)) throw badParam(key, 'Invalid metadata: must be a hash');
  const next = { ...current };
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw badParam(`${key}[${k}]`, 'Metadata values must be strings');
    if (val === '') delete next[k];
    else next[k] = val;
  }
  return next;
}

// ---- HTTP helpers ----

export function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiError(413, 'Request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value, null, 2), 'application/json', { 'Request-Id': newId('req', 14), ...headers });
}

export function errorBody(err: ApiError): { error: Record<string, string> } {
  const error: Record<string, string> = { type: err.type, message: err.message };
  if (err.code) error.code = err.code;
  if (err.param) error.param = err.param;
  return { error };
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, errorBody(err), { 'Stripe-Should-Retry': 'false' });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
