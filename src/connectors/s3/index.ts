// The S3 driver: AWS SDK v3 (client-s3, lib-storage, s3-request-presigner, credential-providers).
import type { DriverDefinition } from "../types";
import type { S3Connector } from "./client";
import { s3Fields, type S3Config } from "./config";

export const s3Driver: DriverDefinition<S3Config, S3Connector> = {
  kind: "s3",
  driver: "aws-sdk",
  description: "Amazon S3 and S3-compatible stores through the AWS SDK for JavaScript v3.",
  fields: s3Fields,
  // The implementation (and its SDK) is imported on first use.
  load: async () => {
    const { S3Connector: Client } = await import("./client");
    return (context) => new Client(context);
  },
};

declare module "../registry" {
  interface ConnectorTypes {
    s3: S3Connector;
  }
}

export type { S3Connector } from "./client";
export type { S3Bucket, S3Entry, S3Page, ObjectInfo, ObjectBody, ByteRange, PutOptions, TransferOptions, ListOptions } from "./client";
export type { S3Config } from "./config";
export { s3Fields } from "./config";
