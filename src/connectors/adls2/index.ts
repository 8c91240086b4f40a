// The ADLS Gen2 driver: @azure/storage-file-datalake (dfs) and @azure/storage-blob, @azure/identity.
import type { DriverDefinition } from "../types";
import type { Adls2Connector } from "./client";
import { adls2Fields, type Adls2Config } from "./config";

export const adls2Driver: DriverDefinition<Adls2Config, Adls2Connector> = {
  kind: "adls2",
  driver: "azure-sdk",
  description: "Azure Data Lake Storage Gen2 (hierarchical namespace through dfs, flat accounts through blob) with the Azure SDK.",
  fields: adls2Fields,
  // The implementation (and its SDK) is imported on first use.
  load: async () => {
    const { Adls2Connector: Client } = await import("./client");
    return (context) => new Client(context);
  },
};

declare module "../registry" {
  interface ConnectorTypes {
    adls2: Adls2Connector;
  }
}

export type { Adls2Connector } from "./client";
export type { UploadOptions, ReadStream } from "./client";
export type { AdlsPath, AdlsPage, PathProperties } from "./store";
export type { Adls2Config } from "./config";
export { adls2Fields } from "./config";
export { parseConnectionString } from "./connectionString";
