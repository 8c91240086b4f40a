// The Azure SDK, in one module: the extension bundles it as a separate file that loads only when an
// ADLS2 client is first created (activation stays cheap).
export { ClientSecretCredential, DefaultAzureCredential, WorkloadIdentityCredential } from "@azure/identity";
export { BlobServiceClient } from "@azure/storage-blob";
export { AnonymousCredential, DataLakeSASPermissions, DataLakeServiceClient, generateDataLakeSASQueryParameters, StorageSharedKeyCredential } from "@azure/storage-file-datalake";
