// Endpoints and credentials of a storage account, from the profile: connection string, shared key,
// SAS, client secret, workload identity or DefaultAzureCredential (in that order of preference).
import type { TokenCredential } from "@azure/identity";
import { AnonymousCredential, ClientSecretCredential, DefaultAzureCredential, StorageSharedKeyCredential, WorkloadIdentityCredential } from "./sdk";
import { parseConnectionString } from "./connectionString";

export { parseConnectionString };
import { ConfigError } from "../errors";
import type { Adls2Config } from "./config";

export type CredentialKind = "shared key" | "sas" | "client secret" | "workload identity" | "default azure credential";

export interface Account {
  name: string;
  dfsUrl: string;
  blobUrl: string;
  credential: InstanceType<typeof StorageSharedKeyCredential> | InstanceType<typeof AnonymousCredential> | TokenCredential;
  /** Appended to every URL with SAS authentication (starts with `?`). */
  sas: string;
  kind: CredentialKind;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export function resolveAccount(config: Adls2Config, profile: string): Account {
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`adls2.${profile}: ${message}`, { connector: "adls2", operation: "config", key, profile });
  };
  const cs = config.connectionString ? parseConnectionString(config.connectionString) : {};
  if (config.connectionString && !cs["accountname"] && !cs["blobendpoint"] && !cs["dfsendpoint"]) {
    fail("connectionString", "the connection string has neither AccountName nor an endpoint");
  }
  const suffix = cs["endpointsuffix"] ?? config.endpointSuffix;
  const protocol = cs["defaultendpointsprotocol"] ?? "https";
  const name =
    config.accountName ?? cs["accountname"] ?? accountFromEndpoint(config.dfsEndpoint ?? cs["dfsendpoint"] ?? config.blobEndpoint ?? cs["blobendpoint"]) ?? fail("accountName", "accountName is not set (nor in a connection string or endpoint)");
  const dfs = config.dfsEndpoint ?? cs["dfsendpoint"] ?? (config.blobEndpoint ?? cs["blobendpoint"])?.replace(".blob.", ".dfs.") ?? `${protocol}://${name}.dfs.${suffix}`;
  const blob = config.blobEndpoint ?? cs["blobendpoint"] ?? dfs.replace(".dfs.", ".blob.");
  const key = config.accountKey ?? cs["accountkey"];
  const sas = config.sasToken ?? cs["sharedaccesssignature"];
  let credential: Account["credential"];
  let kind: CredentialKind;
  if (key) {
    credential = new StorageSharedKeyCredential(name, key);
    kind = "shared key";
  } else if (sas) {
    credential = new AnonymousCredential();
    kind = "sas";
  } else if (config.clientSecret) {
    if (!config.tenantId) fail("tenantId", "clientSecret needs tenantId");
    if (!config.clientId) fail("clientId", "clientSecret needs clientId");
    credential = new ClientSecretCredential(config.tenantId!, config.clientId!, config.clientSecret, { retryOptions: { maxRetries: 1 } });
    kind = "client secret";
  } else if (config.workloadIdentity) {
    try {
      credential = new WorkloadIdentityCredential({ ...(config.tenantId ? { tenantId: config.tenantId } : {}), ...(config.clientId ? { clientId: config.clientId } : {}) });
    } catch (error) {
      throw new ConfigError(`adls2.${profile}: workload identity is unavailable: ${(error as Error).message}`, { connector: "adls2", operation: "config", key: "workloadIdentity", profile, cause: error });
    }
    kind = "workload identity";
  } else if (config.useDefaultCredentials) {
    credential = new DefaultAzureCredential(config.clientId ? { managedIdentityClientId: config.clientId } : {});
    kind = "default azure credential";
  } else {
    return fail("useDefaultCredentials", "no credentials: set accountKey, sasToken, connectionString, clientSecret, workloadIdentity or useDefaultCredentials");
  }
  // A SAS rides on URLs only when it is the credential: with a shared key it would be signed twice.
  const query = kind === "sas" && sas ? (sas.startsWith("?") ? sas : `?${sas}`) : "";
  return { name, dfsUrl: trimSlash(dfs), blobUrl: trimSlash(blob), credential, sas: query, kind };
}

/** The account name in an endpoint: the first DNS label, or (emulators: IP/localhost) the first path segment. */
function accountFromEndpoint(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    const url = new URL(endpoint);
    const emulator = /^(\d+\.){3}\d+$|^localhost$|^\[/.test(url.hostname);
    return (emulator ? url.pathname.split("/")[1] : url.hostname.split(".")[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** The SDK's proxyOptions from a proxy URL (credentials in the URL included). */
export function proxyOptions(proxyUrl: string | undefined): { host: string; port: number; username?: string; password?: string } | undefined {
  if (!proxyUrl) return undefined;
  const url = new URL(proxyUrl);
  return {
    host: `${url.protocol}//${url.hostname}`,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}
