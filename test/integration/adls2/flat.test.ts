// ADLS2 over a flat-namespace account: bare Azurite (blob API only).
import { startAzurite } from "../../fixtures/azurite";
import { describeAdls2, getDirect } from "./suite";

describeAdls2("Azurite (flat namespace)", async () => {
  const azurite = await startAzurite();
  return {
    namespace: "flat",
    profile: { accountName: azurite.accountName, blobEndpoint: azurite.blobEndpoint, dfsEndpoint: azurite.blobEndpoint },
    accountKey: azurite.accountKey,
    get: getDirect,
    stop: () => azurite.stop(),
  };
});
