import S3rver from "s3rver";

/**
 * A local S3 (s3rver) for `npm run dev`, the e2e runner, the benchmark and the
 * media tests. The bucket is created at start with a CORS rule that lets the
 * browser PUT straight to it (presigned uploads) and read objects.
 */
export type LocalS3 = { endpoint: string; bucket: string; stop: () => Promise<void> };

const cors = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export async function startLocalS3(opts: { directory: string; port: number; bucket: string; address?: string }): Promise<LocalS3> {
  const address = opts.address ?? "127.0.0.1";
  const server = new S3rver({
    address,
    port: opts.port,
    silent: true,
    directory: opts.directory,
    // Path-style only: `bucket.127.0.0.1` is not a hostname.
    vhostBuckets: false,
    configureBuckets: [{ name: opts.bucket, configs: [cors] }],
  });
  const info = await server.run();
  return { endpoint: `http://${address}:${info.port}`, bucket: opts.bucket, stop: () => server.close() };
}
