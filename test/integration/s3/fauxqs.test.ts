// The S3 API against fauxqs (fast, faithful listing/ranges/multipart; checks no signatures).
import { startFauxqs } from "../../fixtures/fauxqs";
import { describeS3 } from "./suite";

describeS3("fauxqs", () => startFauxqs());
