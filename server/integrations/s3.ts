import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { env } from "@/server/env";

/**
 * The only module that imports the AWS SDK. Works against AWS S3, MinIO, R2 and
 * s3rver: a custom S3_ENDPOINT switches to path-style addressing.
 */
let client: S3Client | undefined;
let browserClient: S3Client | undefined;

function s3(): S3Client {
  client ??= makeClient(env.S3_ENDPOINT);
  return client;
}

/**
 * Signs the URLs browsers use. The signature covers the host, so it is made for the endpoint as
 * browsers reach it (S3_BROWSER_ENDPOINT, e.g. http://localhost:9000 when the app reaches MinIO as
 * http://minio:9000 inside docker-compose); the same client as the server's otherwise.
 */
function s3ForBrowser(): S3Client {
  if (!env.S3_BROWSER_ENDPOINT) return s3();
  browserClient ??= makeClient(env.S3_BROWSER_ENDPOINT);
  return browserClient;
}

function makeClient(endpoint: string | undefined): S3Client {
  return new S3Client({
    region: env.S3_REGION,
    endpoint,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    // s3rver and some S3-compatible stores reject the newer default checksums on presigned PUTs.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/**
 * A URL the browser PUTs the file to. The signature covers the content type, so
 * the upload must send exactly that Content-Type header. Size cannot be bound by
 * a presigned PUT, and the URL stays valid until it expires: callers sign a
 * staging key, never a key that is served (see server/domain/media.ts).
 */
export async function presignPut(key: string, contentType: string, expiresInSeconds = 900): Promise<string> {
  return getSignedUrl(s3ForBrowser(), new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: key, ContentType: contentType }), {
    expiresIn: expiresInSeconds,
  });
}

export type ObjectHead = { bytes: number; contentType: string | null };

/** Size and type of a stored object, or null when it does not exist. */
export async function headObject(key: string): Promise<ObjectHead | null> {
  try {
    const res = await s3().send(new HeadObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
    return { bytes: res.ContentLength ?? 0, contentType: res.ContentType ?? null };
  } catch (error) {
    if (error instanceof NotFound || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return null;
    throw error;
  }
}

export async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: env.S3_BUCKET, Key: key, Body: body, ContentType: contentType }));
}

export async function deleteObject(key: string): Promise<void> {
  await s3().send(new DeleteObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
}

/** Server-side copy within the bucket (type and metadata come along). */
export async function copyObject(fromKey: string, toKey: string): Promise<void> {
  const source = `${env.S3_BUCKET}/${fromKey.split("/").map(encodeURIComponent).join("/")}`;
  await s3().send(new CopyObjectCommand({ Bucket: env.S3_BUCKET, Key: toKey, CopySource: source }));
}

export type ListedObject = { key: string; lastModified: Date | null };

/**
 * One page (at most `max`, S3 caps it at 1000) of the objects under `prefix` in
 * key order, after `startAfter` when given. ListObjects (v1) with a marker, not
 * V2: s3rver builds V2 continuation tokens with DES, which OpenSSL 3 no longer
 * offers, so any truncated V2 listing fails there. Every S3 store serves v1.
 */
export async function listObjects(prefix: string, max = 1000, startAfter?: string): Promise<ListedObject[]> {
  const res = await s3().send(new ListObjectsCommand({ Bucket: env.S3_BUCKET, Prefix: prefix, MaxKeys: Math.min(max, 1000), Marker: startAfter }));
  return (res.Contents ?? []).flatMap((o) => (o.Key ? [{ key: o.Key, lastModified: o.LastModified ?? null }] : []));
}

/**
 * Deletes every object under `prefix`, one page at a time (list, then delete
 * what was listed). Each batch is complete in itself, so an interrupted run
 * resumes by being called again: what is left is listed next time. Returns the
 * number of objects deleted.
 */
export async function deletePrefix(prefix: string, batchSize = 1000): Promise<number> {
  if (!prefix.endsWith("/") || prefix.length < 2) throw new Error("deletePrefix needs a folder prefix ending in /");
  let deleted = 0;
  let previousFirst: string | undefined;
  for (;;) {
    const page = await listObjects(prefix, batchSize);
    if (page.length === 0) return deleted;
    // A store that acknowledges deletes without doing them would loop forever.
    if (page[0]!.key === previousFirst) throw new Error(`S3 still lists ${previousFirst} after deleting it`);
    previousFirst = page[0]!.key;
    await deleteObjects(page.map((o) => o.key));
    deleted += page.length;
  }
}

export async function deleteObjects(keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const res = await s3().send(new DeleteObjectsCommand({ Bucket: env.S3_BUCKET, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }));
    // A multi-delete answers 200 even when some keys failed; a caller that goes on
    // (e.g. deleting the tenant row after its prefix) must know.
    const failed = res.Errors ?? [];
    if (failed.length) throw new Error(`S3 could not delete ${failed.length} object(s), first ${failed[0]?.Key}: ${failed[0]?.Code}`);
  }
}

/** Public read URL (storefront <img>): S3_PUBLIC_URL, else the endpoint's path-style or AWS virtual-hosted URL. */
export function publicUrl(key: string): string {
  const path = key.split("/").map(encodeURIComponent).join("/");
  if (env.S3_PUBLIC_URL) return `${env.S3_PUBLIC_URL.replace(/\/$/, "")}/${path}`;
  if (env.S3_ENDPOINT) return `${env.S3_ENDPOINT.replace(/\/$/, "")}/${env.S3_BUCKET}/${path}`;
  return `https://${env.S3_BUCKET}.s3.${env.S3_REGION}.amazonaws.com/${path}`;
}

/** Health: can we reach the bucket? */
export async function checkBucket(): Promise<boolean> {
  await s3().send(new HeadBucketCommand({ Bucket: env.S3_BUCKET }));
  return true;
}
