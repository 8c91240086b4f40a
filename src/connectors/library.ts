// The library as dist/connectors.js exports it: everything in index.ts plus the client classes as
// values. (The extension imports index.ts, whose drivers load their clients and SDKs lazily.)
export * from "./index";
export { PostgresClient } from "./postgres/client";
export { S3Connector } from "./s3/client";
export { Adls2Connector } from "./adls2/client";
