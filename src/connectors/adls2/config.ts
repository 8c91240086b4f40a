// ADLS Gen2 profile keys (storage accounts with or without hierarchical namespace).
import type { Fields } from "../config/schema";

export const adls2Fields = {
  accountName: { type: "string", description: "Storage account name (from the connection string when one is given)." },
  dfsEndpoint: { type: "string", description: "Data Lake (dfs) endpoint. Default: https://<accountName>.dfs.<endpointSuffix>." },
  blobEndpoint: { type: "string", description: "Blob endpoint. Default: the dfs endpoint with .dfs. replaced by .blob." },
  endpointSuffix: { type: "string", default: "core.windows.net", description: "DNS suffix of the cloud (core.chinacloudapi.cn, core.usgovcloudapi.net, …)." },
  container: { type: "string", description: "Container (file system) that Test Connection checks, for credentials limited to one container." },
  namespace: {
    type: "string",
    enum: ["auto", "hierarchical", "flat"],
    default: "auto",
    description: "auto: detect from the account (hierarchical namespace → dfs API with real directories; flat → blob API with virtual directories).",
  },
  connectionString: { type: "string", secret: true, description: "Storage connection string (AccountName, AccountKey or SharedAccessSignature, endpoints)." },
  accountKey: { type: "string", secret: true, description: "Shared key of the account." },
  sasToken: { type: "string", secret: true, description: "Shared access signature (the query string, with or without '?')." },
  tenantId: { type: "string", description: "Microsoft Entra tenant, for clientSecret and workload identity." },
  clientId: { type: "string", description: "Application (client) id, for clientSecret, workload identity, or a user-assigned managed identity." },
  clientSecret: { type: "string", secret: true, description: "Client secret of the application (service principal)." },
  workloadIdentity: { type: "boolean", default: false, description: "Use workload identity federation (AZURE_FEDERATED_TOKEN_FILE, as on AKS)." },
  useDefaultCredentials: {
    type: "boolean",
    default: true,
    description: "Without a key, SAS or client secret, use DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, Azure Developer CLI, PowerShell.",
  },
  proxyUrl: { type: "string", description: "HTTP proxy for every request, e.g. http://127.0.0.1:8888." },
  retry: {
    type: "object",
    description: "Retries of throttling (429), 5xx, time-outs and connection failures.",
    fields: {
      attempts: { type: "integer", minimum: 1, maximum: 20, default: 4, description: "Attempts in all, the first included." },
      baseDelay: { type: "duration", default: 200, description: "First backoff; doubles per attempt, with full jitter." },
      maxDelay: { type: "duration", default: 30_000, description: "Longest single backoff." },
      deadline: { type: "duration", default: 120_000, description: "Upper bound for all attempts of one request." },
    },
  },
  transfer: {
    type: "object",
    description: "Uploads and downloads.",
    fields: {
      chunkSize: { type: "bytes", minimum: 1024 * 1024, default: 4 * 1024 * 1024, description: "Size of each uploaded chunk (append or block)." },
      concurrency: { type: "integer", minimum: 1, maximum: 64, default: 8, description: "Chunks (or files) in flight at once." },
    },
  },
  timeouts: {
    type: "object",
    description: "Time limits.",
    fields: {
      request: { type: "duration", default: 60_000, description: "A single HTTP request (one chunk, one page)." },
      total: { type: "duration", default: 0, description: "Default deadline of every call (0: none)." },
    },
  },
} as const satisfies Fields;

export interface Adls2Config {
  accountName?: string;
  dfsEndpoint?: string;
  blobEndpoint?: string;
  endpointSuffix: string;
  container?: string;
  namespace: "auto" | "hierarchical" | "flat";
  connectionString?: string;
  accountKey?: string;
  sasToken?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  workloadIdentity: boolean;
  useDefaultCredentials: boolean;
  proxyUrl?: string;
  retry: { attempts: number; baseDelay: number; maxDelay: number; deadline: number };
  transfer: { chunkSize: number; concurrency: number };
  timeouts: { request: number; total: number };
}
