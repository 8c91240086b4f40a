// adls2/account.ts: connection strings, endpoints and the credential chosen from a profile, and the
// proxy options. Credentials are only constructed (no token is requested), so no network is used.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientSecretCredential, DefaultAzureCredential, WorkloadIdentityCredential } from "@azure/identity";
import { AnonymousCredential, StorageSharedKeyCredential } from "@azure/storage-file-datalake";
import { parseConnectionString, proxyOptions, resolveAccount } from "../../src/connectors/adls2/account";
import { adls2Fields, type Adls2Config } from "../../src/connectors/adls2/config";
import { defaultsOf } from "../../src/connectors/config/schema";
import { ConfigError } from "../../src/connectors/errors";

// A base64 key ending in '==', as Azure hands them out (this one is Azurite's public dev key).
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const SAS = "sv=2023-11-03&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=abc%2Bdef%3D";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "00000000-1111-2222-3333-444444444444";

function config(overrides: Partial<Adls2Config> = {}): Adls2Config {
  return { ...(defaultsOf(adls2Fields) as unknown as Adls2Config), ...overrides };
}

function configErrorOf(fn: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof ConfigError, `expected a ConfigError, got ${String(thrown)}`);
  return thrown;
}

/** Run `fn` with some process.env variables set (undefined: removed), restoring them afterwards. */
function withProcessEnv<T>(values: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(values);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

describe("parseConnectionString", () => {
  it("lower-cases keys, trims, and keeps values containing '=' intact", () => {
    const parsed = parseConnectionString(`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.windows.net`);
    assert.deepEqual(parsed, { defaultendpointsprotocol: "https", accountname: "acct", accountkey: KEY, endpointsuffix: "core.windows.net" });
    assert.ok(parsed["accountkey"]?.endsWith("=="));
  });

  it("keys are case-insensitive", () => {
    for (const spelling of ["AccountName", "accountname", "ACCOUNTNAME", "aCcOuNtNaMe"]) {
      assert.equal(parseConnectionString(`${spelling}=acct`)["accountname"], "acct", spelling);
    }
  });

  it("a SAS value with '=' and '&' is kept whole; empty and key-less parts are ignored", () => {
    const parsed = parseConnectionString(`BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=${SAS};;=orphan;junk; `);
    assert.deepEqual(parsed, { blobendpoint: "https://acct.blob.core.windows.net/", sharedaccesssignature: SAS });
  });
});

describe("resolveAccount", () => {
  it("an account key → shared key, with the default dfs and blob URLs and no SAS", () => {
    const a = resolveAccount(config({ accountName: "acct", accountKey: KEY }), "default");
    assert.equal(a.kind, "shared key");
    assert.equal(a.name, "acct");
    assert.equal(a.dfsUrl, "https://acct.dfs.core.windows.net");
    assert.equal(a.blobUrl, "https://acct.blob.core.windows.net");
    assert.equal(a.sas, "");
    assert.ok(a.credential instanceof StorageSharedKeyCredential);
    assert.equal(a.credential.accountName, "acct");
  });

  it("endpointSuffix is honoured", () => {
    const a = resolveAccount(config({ accountName: "acct", accountKey: KEY, endpointSuffix: "core.chinacloudapi.cn" }), "default");
    assert.equal(a.dfsUrl, "https://acct.dfs.core.chinacloudapi.cn");
    assert.equal(a.blobUrl, "https://acct.blob.core.chinacloudapi.cn");
  });

  it("explicit endpoints win, trailing slashes trimmed; a blob endpoint alone derives the dfs one", () => {
    const both = resolveAccount(config({ accountName: "acct", accountKey: KEY, dfsEndpoint: "https://dfs.example/", blobEndpoint: "https://blob.example//" }), "p");
    assert.equal(both.dfsUrl, "https://dfs.example");
    assert.equal(both.blobUrl, "https://blob.example");
    const blobOnly = resolveAccount(config({ accountName: "acct", accountKey: KEY, blobEndpoint: "https://acct.blob.core.windows.net/" }), "p");
    assert.equal(blobOnly.dfsUrl, "https://acct.dfs.core.windows.net");
    assert.equal(blobOnly.blobUrl, "https://acct.blob.core.windows.net");
  });

  it("a connection string with AccountName, AccountKey and BlobEndpoint → its blob endpoint, dfs derived", () => {
    const cs = `DefaultEndpointsProtocol=https;AccountName=csacct;AccountKey=${KEY};BlobEndpoint=https://csacct.blob.core.windows.net/`;
    const a = resolveAccount(config({ connectionString: cs }), "default");
    assert.equal(a.kind, "shared key");
    assert.equal(a.name, "csacct");
    assert.equal(a.blobUrl, "https://csacct.blob.core.windows.net");
    assert.equal(a.dfsUrl, "https://csacct.dfs.core.windows.net");
    assert.ok(a.credential instanceof StorageSharedKeyCredential);
    assert.equal(a.credential.accountName, "csacct");
  });

  it("a connection string's protocol and EndpointSuffix build the URLs", () => {
    const a = resolveAccount(config({ connectionString: `DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=${KEY};EndpointSuffix=core.usgovcloudapi.net` }), "default");
    assert.equal(a.dfsUrl, "http://acct.dfs.core.usgovcloudapi.net");
    assert.equal(a.blobUrl, "http://acct.blob.core.usgovcloudapi.net");
  });

  it("a connection string without AccountName or an endpoint → ConfigError on connectionString", () => {
    const error = configErrorOf(() => resolveAccount(config({ connectionString: `AccountKey=${KEY}` }), "default"));
    assert.equal(error.key, "connectionString");
    assert.ok(!error.message.includes(KEY));
  });

  it("a SAS token with or without the leading '?' → kind sas, anonymous credential, sas starting with a single '?'", () => {
    for (const token of [SAS, `?${SAS}`]) {
      const a = resolveAccount(config({ accountName: "acct", sasToken: token }), "default");
      assert.equal(a.kind, "sas");
      assert.equal(a.sas, `?${SAS}`);
      assert.ok(!a.sas.startsWith("??"));
      assert.ok(a.credential instanceof AnonymousCredential);
      assert.equal(a.dfsUrl, "https://acct.dfs.core.windows.net");
    }
  });

  it("a connection string with AccountName and a SharedAccessSignature → kind sas", () => {
    const a = resolveAccount(config({ connectionString: `AccountName=acct;SharedAccessSignature=${SAS}` }), "default");
    assert.equal(a.kind, "sas");
    assert.equal(a.name, "acct");
    assert.equal(a.sas, `?${SAS}`);
    assert.ok(a.credential instanceof AnonymousCredential);
  });

  it("a portal SAS connection string (endpoints + SharedAccessSignature, no AccountName) → kind sas, name from the endpoint", () => {
    // The Azure portal's "SAS connection string" has no AccountName; README documents "SharedAccessSignature, endpoints".
    const cs = `BlobEndpoint=https://acct.blob.core.windows.net/;QueueEndpoint=https://acct.queue.core.windows.net/;FileEndpoint=https://acct.file.core.windows.net/;TableEndpoint=https://acct.table.core.windows.net/;SharedAccessSignature=${SAS}`;
    const a = resolveAccount(config({ connectionString: cs }), "default");
    assert.equal(a.kind, "sas");
    assert.equal(a.sas, `?${SAS}`);
    assert.equal(a.blobUrl, "https://acct.blob.core.windows.net");
    assert.equal(a.dfsUrl, "https://acct.dfs.core.windows.net");
    assert.equal(a.name, "acct");
  });

  it("clientSecret without tenantId or clientId → ConfigError naming the missing key", () => {
    const noTenant = configErrorOf(() => resolveAccount(config({ accountName: "acct", clientSecret: "s3cr3t-value", clientId: CLIENT }), "prod"));
    assert.equal(noTenant.key, "tenantId");
    assert.equal(noTenant.profile, "prod");
    assert.match(noTenant.message, /adls2\.prod/);
    const noClient = configErrorOf(() => resolveAccount(config({ accountName: "acct", clientSecret: "s3cr3t-value", tenantId: TENANT }), "prod"));
    assert.equal(noClient.key, "clientId");
  });

  it("clientSecret with tenantId and clientId → kind client secret", () => {
    const a = resolveAccount(config({ accountName: "acct", clientSecret: "s3cr3t-value", tenantId: TENANT, clientId: CLIENT }), "default");
    assert.equal(a.kind, "client secret");
    assert.ok(a.credential instanceof ClientSecretCredential);
    assert.equal(a.sas, "");
  });

  it("workloadIdentity → kind workload identity (tenantId/clientId from the profile, token file from AZURE_FEDERATED_TOKEN_FILE)", () => {
    const a = withProcessEnv({ AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token" }, () =>
      resolveAccount(config({ accountName: "acct", workloadIdentity: true, tenantId: TENANT, clientId: CLIENT }), "default"),
    );
    assert.equal(a.kind, "workload identity");
    assert.ok(a.credential instanceof WorkloadIdentityCredential);
  });

  it("workloadIdentity without AZURE_FEDERATED_TOKEN_FILE: the SDK constructor throws (observed behaviour)", () => {
    // Observed, not designed: @azure/identity's WorkloadIdentityCredential throws a CredentialUnavailableError
    // at construction when the token file (or tenant/client id) is missing, and resolveAccount lets it through.
    assert.throws(
      () =>
        withProcessEnv({ AZURE_FEDERATED_TOKEN_FILE: undefined }, () => resolveAccount(config({ accountName: "acct", workloadIdentity: true, tenantId: TENANT, clientId: CLIENT }), "default")),
      /AZURE_FEDERATED_TOKEN_FILE/,
    );
  });

  it("useDefaultCredentials (the default) with nothing else → kind default azure credential", () => {
    const a = resolveAccount(config({ accountName: "acct" }), "default");
    assert.equal(a.kind, "default azure credential");
    assert.ok(a.credential instanceof DefaultAzureCredential);
    assert.equal(a.sas, "");
  });

  it("credential preference: key > SAS > client secret > workload identity > default", () => {
    const all = { accountName: "acct", sasToken: SAS, clientSecret: "s3cr3t-value", tenantId: TENANT, clientId: CLIENT, useDefaultCredentials: true };
    assert.equal(resolveAccount(config({ ...all, accountKey: KEY }), "p").kind, "shared key");
    assert.equal(resolveAccount(config(all), "p").kind, "sas");
    assert.equal(resolveAccount(config({ ...all, sasToken: undefined }), "p").kind, "client secret");
  });

  it("no credentials and useDefaultCredentials false → ConfigError on useDefaultCredentials", () => {
    const error = configErrorOf(() => resolveAccount(config({ accountName: "acct", useDefaultCredentials: false }), "default"));
    assert.equal(error.key, "useDefaultCredentials");
    assert.equal(error.connector, "adls2");
    assert.match(error.message, /no credentials/);
  });

  it("no accountName (and no connection string) → ConfigError on accountName", () => {
    const error = configErrorOf(() => resolveAccount(config({ accountKey: KEY }), "default"));
    assert.equal(error.key, "accountName");
    assert.ok(!error.message.includes(KEY));
  });
});

describe("proxyOptions", () => {
  it("splits a proxy URL into the SDK's host (with scheme) and port", () => {
    assert.deepEqual(proxyOptions("http://127.0.0.1:8888"), { host: "http://127.0.0.1", port: 8888 });
    assert.deepEqual(proxyOptions("http://proxy.corp.example"), { host: "http://proxy.corp.example", port: 80 });
    assert.deepEqual(proxyOptions("https://proxy.corp.example"), { host: "https://proxy.corp.example", port: 443 });
  });

  it("undefined or empty → undefined; garbage throws", () => {
    assert.equal(proxyOptions(undefined), undefined);
    assert.equal(proxyOptions(""), undefined);
    assert.throws(() => proxyOptions("not a url"));
  });
});
