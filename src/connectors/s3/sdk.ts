// The AWS SDK, in one module: the extension bundles it as a separate file that loads only when an S3
// client is first created (activation stays cheap).
export {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
export { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
export { Upload } from "@aws-sdk/lib-storage";
export { getSignedUrl } from "@aws-sdk/s3-request-presigner";
export { NodeHttpHandler } from "@smithy/node-http-handler";
