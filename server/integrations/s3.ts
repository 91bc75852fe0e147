import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
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
 * a presigned PUT; the caller checks it with headObject on confirmation.
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

export async function deleteObjects(keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    await s3().send(new DeleteObjectsCommand({ Bucket: env.S3_BUCKET, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }));
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
