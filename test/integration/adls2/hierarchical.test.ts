// ADLS2 over a hierarchical-namespace account: Azurite behind the dfs gateway (dfs API through the SDK's proxy).
import { startAzurite } from "../../fixtures/azurite";
import { startDfsGateway } from "../../fixtures/dfs-gateway";
import { describeAdls2, getViaProxy } from "./suite";

describeAdls2("Azurite + dfs gateway (hierarchical namespace)", async () => {
  const azurite = await startAzurite();
  const gateway = await startDfsGateway(azurite, { hierarchicalNamespace: true });
  return {
    namespace: "hierarchical",
    profile: { accountName: azurite.accountName, blobEndpoint: gateway.blobUrl, dfsEndpoint: gateway.dfsUrl, proxyUrl: `http://127.0.0.1:${gateway.proxy.port}` },
    accountKey: azurite.accountKey,
    get: getViaProxy(gateway.proxy.port),
    stop: async () => {
      await gateway.stop();
      await azurite.stop();
    },
  };
});
