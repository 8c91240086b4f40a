// Shared set-up for the S3 suites: a registry whose profile points at a test server, with the secret
// key passed as a secret://env reference.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { createRegistry, type ConnectorEvent, type Registry } from "../../../src/connectors/index";
import type { S3Server } from "../../fixtures/s3-server";

export interface S3TestContext {
  registry: Registry;
  events: ConnectorEvent[];
}

export function s3Registry(server: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string }, profile = "default", extra: Record<string, unknown> = {}): S3TestContext {
  const seg = profile.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  const events: ConnectorEvent[] = [];
  const registry = createRegistry({
    env: {
      [`S3_TEST_SECRET_${seg}`]: server.secretAccessKey,
      [`AUTO_WORKFLOW_CONNECTORS_S3_${seg}__JSON`]: JSON.stringify({
        endpointUrl: server.endpoint,
        region: server.region,
        accessKeyId: server.accessKeyId,
        secretAccessKey: `secret://env/S3_TEST_SECRET_${seg}`,
        checksum: "when_required",
        retry: { baseDelay: "10ms", maxDelay: "200ms" },
        ...extra,
      }),
    },
    onEvent: (e) => events.push(e),
  });
  return { registry, events };
}

export function randomData(bytes: number): Buffer {
  return randomBytes(bytes);
}

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function uniqueBucket(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export type ServerStarter = () => Promise<S3Server>;
