// The object activate() returns to other extensions: the connectors library (what dist/connectors.js
// exports; the client classes load with their SDKs on first access), plus `workspace`, the profiles
// this VS Code window knows.
import * as connectors from "../connectors/index";
import type * as library from "../connectors/library";
import type { Connections } from "./connections";
import type * as PostgresModule from "../connectors/postgres/client";
import type * as S3Module from "../connectors/s3/client";
import type * as Adls2Module from "../connectors/adls2/client";

export interface WorkspaceConnections {
  profiles(): Promise<Array<{ name: string; profile: string }>>;
  resolveConfig(name: string, profile: string): Promise<connectors.ResolvedConfigView>;
  client: Connections["client"];
  /** Store a secret for `secret://<scope>/<key>` references. */
  setSecret(scope: string, key: string, value: string): Promise<string>;
}

export type ExtensionApi = typeof library & { workspace: WorkspaceConnections };

/* eslint-disable @typescript-eslint/no-require-imports -- the getters below defer loading each SDK until a class is used */
const clientClasses = {
  PostgresClient: () => (require("../connectors/postgres/client") as typeof PostgresModule).PostgresClient,
  S3Connector: () => (require("../connectors/s3/client") as typeof S3Module).S3Connector,
  Adls2Connector: () => (require("../connectors/adls2/client") as typeof Adls2Module).Adls2Connector,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function extensionApi(connections: Connections, internals: Record<string, unknown>): ExtensionApi {
  const workspace: WorkspaceConnections = {
    profiles: () => connections.profiles(),
    resolveConfig: (name, profile) => connections.resolveConfig(name, profile),
    client: ((name: string, profile: string) => connections.client(name, profile)) as Connections["client"],
    setSecret: (scope, key, value) => connections.secrets.set(scope, key, value),
  };
  const api = { ...connectors, workspace } as ExtensionApi;
  for (const [name, load] of Object.entries(clientClasses)) Object.defineProperty(api, name, { get: load, enumerable: true });
  // For the extension's own tests (another bundle: the API object is their only way in); not enumerable, not typed.
  Object.defineProperty(api, "internals", { value: internals, enumerable: false });
  return api;
}
