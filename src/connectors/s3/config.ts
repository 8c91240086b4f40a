// S3 profile keys (AWS and S3-compatible stores).
import type { Fields } from "../config/schema";

export const s3Fields = {
  region: { type: "string", default: "us-east-1", description: "AWS region (S3-compatible stores: any value they accept)." },
  endpointUrl: { type: "string", description: "Custom endpoint for S3-compatible stores, e.g. http://127.0.0.1:7480. Implies path-style addressing unless forcePathStyle is false." },
  forcePathStyle: { type: "boolean", description: "Address buckets as /bucket/key instead of bucket.host. Default: true with endpointUrl, else false." },
  bucket: { type: "string", description: "Bucket that Test Connection checks (HeadBucket) instead of listing all buckets, for keys limited to one bucket." },
  accessKeyId: { type: "string", description: "Static access key id." },
  secretAccessKey: { type: "string", secret: true, description: "Static secret access key." },
  sessionToken: { type: "string", secret: true, description: "Session token of temporary static credentials." },
  useDefaultCredentials: {
    type: "boolean",
    default: true,
    description: "Without static keys, use the SDK's default chain: environment, shared config/credentials files (sharedConfigProfile), SSO, web identity, container and instance metadata.",
  },
  sharedConfigProfile: { type: "string", description: "Named profile of ~/.aws/config and ~/.aws/credentials for the default chain (AWS_PROFILE otherwise)." },
  anonymous: { type: "boolean", default: false, description: "Send unsigned requests (public buckets)." },
  roleArn: { type: "string", description: "Role to assume (STS AssumeRole) on top of the credentials above." },
  roleSessionName: { type: "string", default: "auto-workflow-connectors", description: "Session name for the assumed role." },
  externalId: { type: "string", secret: true, description: "External id the role's trust policy requires." },
  roleDuration: { type: "duration", default: 3_600_000, description: "Lifetime of assumed-role credentials." },
  sse: { type: "string", enum: ["none", "AES256", "aws:kms"], default: "none", description: "Server-side encryption for uploads." },
  sseKmsKeyId: { type: "string", description: "KMS key id or ARN with sse aws:kms (else the account's default key)." },
  checksum: {
    type: "string",
    enum: ["when_supported", "when_required"],
    default: "when_supported",
    description: "Flexible checksums: when_supported (the SDK default, CRC32 on every upload) or when_required (only where the API demands one; many S3-compatible stores need this).",
  },
  retry: {
    type: "object",
    description: "Retries of throttling, 5xx and connection failures.",
    fields: {
      attempts: { type: "integer", minimum: 1, maximum: 20, default: 5, description: "Attempts in all, the first included." },
      mode: { type: "string", enum: ["standard", "adaptive"], default: "standard", description: "standard: full-jitter backoff by the connector; adaptive: the SDK's client-side rate limiting for throttled workloads." },
      baseDelay: { type: "duration", default: 100, description: "First backoff; doubles per attempt, with full jitter." },
      maxDelay: { type: "duration", default: 20_000, description: "Longest single backoff." },
      deadline: { type: "duration", default: 120_000, description: "Upper bound for all attempts of one request." },
    },
  },
  transfer: {
    type: "object",
    description: "Uploads and downloads.",
    fields: {
      threshold: { type: "bytes", minimum: 5 * 1024 * 1024, default: 8 * 1024 * 1024, description: "Files larger than this move in parts (multipart upload, ranged downloads)." },
      partSize: { type: "bytes", minimum: 5 * 1024 * 1024, default: 8 * 1024 * 1024, description: "Size of each part." },
      concurrency: { type: "integer", minimum: 1, maximum: 64, default: 10, description: "Parts (or files) in flight at once." },
    },
  },
  timeouts: {
    type: "object",
    description: "Time limits.",
    fields: {
      connect: { type: "duration", default: 10_000, description: "Establishing a connection." },
      read: { type: "duration", default: 60_000, description: "A socket idle this long while waiting for data fails the request." },
      total: { type: "duration", default: 0, description: "Default deadline of every call (0: none; transfers are bounded by read instead)." },
    },
  },
} as const satisfies Fields;

export interface S3Config {
  region: string;
  endpointUrl?: string;
  forcePathStyle?: boolean;
  bucket?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  useDefaultCredentials: boolean;
  sharedConfigProfile?: string;
  anonymous: boolean;
  roleArn?: string;
  roleSessionName: string;
  externalId?: string;
  roleDuration: number;
  sse: "none" | "AES256" | "aws:kms";
  sseKmsKeyId?: string;
  checksum: "when_supported" | "when_required";
  retry: { attempts: number; mode: "standard" | "adaptive"; baseDelay: number; maxDelay: number; deadline: number };
  transfer: { threshold: number; partSize: number; concurrency: number };
  timeouts: { connect: number; read: number; total: number };
}
