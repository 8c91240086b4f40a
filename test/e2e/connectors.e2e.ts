// UI end-to-end scenario of the Connectors view, tried as a new user would in the `npm start` sandbox
// (run by test/e2e/run.ts, which starts the sandbox and Chromium and stops them):
//   1. open the workbench and the Connectors view: the backend groups and the sandbox profiles;
//   2. expand s3.sandbox → bucket sandbox-data (raw/, curated/, paging/) and adls2.sandbox → lake (bronze, silver, gold);
//   3. filter the bucket by the prefix "cur" (context menu → Filter by Prefix…): only curated/ is left;
//   4. Auto Workflow: Test Connection Profile from the command palette on s3.sandbox: "connected in …";
//   5. open curated/customers/customers.csv from the tree: an editor with its content;
//   6. type a line at the top and save with Ctrl+S (auto save off, the desktop default): the object's bytes,
//      read through the connector, are the old ones with that line first.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { ENV_PREFIX, createRegistry, envSegment, type Registry } from "../../src/connectors/index";
import { readSettings } from "../../scripts/sandbox/workspace";
import type { Step } from "./harness";
import { ConnectorsView, type NodePath } from "./pages/connectors-view";
import { poll, Workbench } from "./pages/workbench";

export interface ScenarioOptions {
  page: Page;
  /** The workbench URL the sandbox printed (code-server, ?folder=<workspace>). */
  url: string;
  /** The sandbox's workspace settings.json (the profiles) and env.json (their secrets). */
  settingsFile: string;
  envFile: string;
}

const FIRST_LOAD_MS = 60_000;
const STEP_MS = 30_000;

const BUCKET = "sandbox-data";
const OBJECT_KEY = "curated/customers/customers.csv";
const EDIT = "e2e-edit,";

const S3: NodePath = ["Amazon S3", "sandbox"];
const BUCKET_NODE: NodePath = [...S3, BUCKET];
const ADLS: NodePath = ["Azure Data Lake Gen2", "sandbox"];
const CONTAINER_NODE: NodePath = [...ADLS, "lake"];
const CURATED: NodePath = [...BUCKET_NODE, "curated"];
const OBJECT_NODE: NodePath = [...CURATED, "customers", "customers.csv"];

/** Prefix labels in the tree: "curated" (or "curated/"). */
const bare = (label: string): string => label.replace(/\/$/, "");

/**
 * A connectors registry of the test process with the sandbox's s3.sandbox profile: its values from the
 * workspace settings.json (as `AUTO_WORKFLOW_CONNECTORS_S3_SANDBOX__JSON`) and its secrets from env.json.
 */
function sandboxRegistry(settingsFile: string, envFile: string): Registry {
  const settings = readSettings(settingsFile);
  const connectors = settings["autoWorkflow.connectors"] as Record<string, Record<string, unknown>>;
  const s3Profile = connectors["s3"]?.["sandbox"];
  assert.ok(s3Profile, `no s3.sandbox profile in ${settingsFile}`);
  const secrets = JSON.parse(readFileSync(envFile, "utf8")) as Record<string, string>;
  return createRegistry({ env: { ...secrets, [`${ENV_PREFIX}${envSegment("s3")}_${envSegment("sandbox")}__JSON`]: JSON.stringify(s3Profile) } });
}

export interface Scenario {
  steps: Step[];
  /** Error notifications on screen (none may appear in this scenario). */
  problems(): Promise<string[]>;
  dispose(): Promise<void>;
}

export function connectorsScenario(opts: ScenarioOptions): Scenario {
  const { page } = opts;
  const workbench = new Workbench(page);
  const view = new ConnectorsView(page, workbench);
  const registry = sandboxRegistry(opts.settingsFile, opts.envFile);
  const s3 = () => registry.get("s3", "sandbox");
  /** The object as stored before the edit (read through the connector in step 5). */
  let original: string | undefined;

  const steps: Step[] = [
    {
      title: "open the workbench and the Connectors view",
      timeoutMs: FIRST_LOAD_MS,
      async run(ctx) {
        await workbench.open(opts.url, ctx.remaining());
        // The view container comes with the extension: its activity bar item appears once the extension is scanned.
        await view.openFromActivityBar(ctx.remaining());
        for (const group of ["PostgreSQL", "Amazon S3", "Azure Data Lake Gen2"]) await view.waitForRow([group], ctx.remaining());
        for (const path of [["PostgreSQL", "sandbox"], S3, ADLS, ["Azure Data Lake Gen2", "sandbox-hns"]]) await view.waitForRow(path, ctx.remaining());
        ctx.note(`tree:\n${ConnectorsView.outline(await view.rows()).replace(/^/gm, "        ")}`);
      },
    },
    {
      title: "expand s3.sandbox and adls2.sandbox down to their folders",
      timeoutMs: STEP_MS,
      async run(ctx) {
        await view.expand(S3, ctx.remaining());
        await view.waitForChildren(S3, `bucket ${BUCKET}`, (labels) => labels.includes(BUCKET), ctx.remaining());
        await view.expand(BUCKET_NODE, ctx.remaining());
        const prefixes = ["raw", "curated", "paging"];
        const kids = await view.waitForChildren(BUCKET_NODE, prefixes.join(", "), (labels) => prefixes.every((p) => labels.map(bare).includes(p)), ctx.remaining());
        ctx.note(`${BUCKET}: ${kids.map((k) => k.label).join(", ")}`);

        await view.expand(ADLS, ctx.remaining());
        await view.waitForChildren(ADLS, "container lake", (labels) => labels.includes("lake"), ctx.remaining());
        await view.expand(CONTAINER_NODE, ctx.remaining());
        const dirs = ["bronze", "silver", "gold"];
        const lake = await view.waitForChildren(CONTAINER_NODE, dirs.join(", "), (labels) => dirs.every((d) => labels.map(bare).includes(d)), ctx.remaining());
        ctx.note(`lake: ${lake.map((k) => k.label).join(", ")}`);
      },
    },
    {
      title: "filter bucket sandbox-data by the prefix cur",
      timeoutMs: STEP_MS,
      async run(ctx) {
        await view.contextMenu(BUCKET_NODE, "Filter by Prefix…", ctx.remaining());
        await workbench.quickInput.waitOpen(ctx.remaining());
        const title = await workbench.quickInput.title();
        assert.match(title, /sandbox-data/, `the filter box's title names the bucket (got “${title}”)`);
        await page.keyboard.type("cur");
        await page.keyboard.press("Enter");
        const kids = await view.waitForChildren(BUCKET_NODE, "only curated", (labels) => labels.length === 1 && bare(labels[0]!) === "curated", ctx.remaining());
        const bucket = await view.waitForRow(BUCKET_NODE, ctx.remaining());
        assert.match(bucket.description, /cur/, `the bucket's description shows the filter (got “${bucket.description}”)`);
        ctx.note(`input box “${title}”; ${BUCKET} (${bucket.description}): ${kids.map((k) => k.label).join(", ")}`);
      },
    },
    {
      title: "test connection profile s3.sandbox from the command palette",
      timeoutMs: STEP_MS,
      async run(ctx) {
        const listed = await workbench.runCommand("Auto Workflow: Test Connection Profile", ctx.remaining());
        ctx.note(`palette: ${listed.slice(0, 3).join(" | ")}`);
        await workbench.quickInput.waitOpen(ctx.remaining(), "Test which connection profile?");
        await page.keyboard.type("s3.sandbox");
        // Options read "sandbox, s3.sandbox[, Amazon S3]" (label, description, separator).
        await workbench.quickInput.choose("s3.sandbox", (label) => label.split(", ").includes("s3.sandbox"), ctx.remaining());
        const text = await workbench.waitForToast(/connected in/, ctx.remaining());
        ctx.note(`toast: “${text}”`);
        assert.match(text, /connected in \d/, "the toast says how long it took");
        assert.ok(text.includes("s3.sandbox"), `the toast names the profile (got “${text}”)`);
      },
    },
    {
      title: "open curated/customers/customers.csv from the tree",
      timeoutMs: STEP_MS,
      async run(ctx) {
        original = (await (await s3()).getObjectBytes(BUCKET, OBJECT_KEY)).toString("utf8");
        await view.expand(CURATED, ctx.remaining());
        await view.waitForChildren(CURATED, "customers", (labels) => labels.map(bare).includes("customers"), ctx.remaining());
        await view.expand(OBJECT_NODE.slice(0, -1), ctx.remaining());
        await view.waitForRow(OBJECT_NODE, ctx.remaining());
        await view.activate(OBJECT_NODE, ctx.remaining());
        const tab = await poll("an editor tab customers.csv", ctx.remaining(), async () => {
          const label = await workbench.activeTabLabel();
          return label?.startsWith("customers.csv") ? label : undefined;
        });
        const expected = original.split("\n").slice(0, 5);
        let shown: string[] = [];
        await poll("the editor to show the object's first lines", ctx.remaining(), async () => {
          shown = await workbench.visibleLines();
          return expected.every((line, i) => shown[i] === line) ? true : undefined;
        }, () => shown.slice(0, 5).join("\\n"));
        ctx.note(`tab “${tab}”; first line “${shown[0]}” (${shown.length} lines visible)`);
      },
    },
    {
      title: "edit the first line, save with Ctrl+S, read it back through the connector",
      timeoutMs: STEP_MS,
      async run(ctx) {
        assert.ok(original !== undefined, "step 5 read the object");
        // Enter in the tree moved the focus into the editor; a user would click into it otherwise.
        if (!(await workbench.editorHasFocus())) await workbench.activeEditor().locator(".view-lines").click();
        await page.keyboard.press("Control+Home");
        await page.keyboard.type(EDIT);
        if (await workbench.suggestWidgetVisible()) await page.keyboard.press("Escape");
        await page.keyboard.press("Enter");
        // Auto save is off (run.ts: the desktop default; the browser's default would save after 1 s).
        await poll("the tab to show unsaved changes (is files.autoSave off?)", ctx.remaining(), async () => ((await workbench.activeTabDirty()) ? true : undefined));
        const lines = await workbench.visibleLines();
        assert.equal(lines[0], EDIT, "the editor's first line is the typed text");
        const before = (await (await s3()).getObjectBytes(BUCKET, OBJECT_KEY)).toString("utf8");
        assert.equal(before, original, "nothing is stored before Ctrl+S");
        await page.keyboard.press("Control+S");
        await poll("the save to finish (tab no longer dirty)", ctx.remaining(), async () => ((await workbench.activeTabDirty()) ? undefined : true));
        let stored = "";
        await poll(`s3://${BUCKET}/${OBJECT_KEY} to start with “${EDIT}”`, ctx.remaining(), async () => {
          stored = (await (await s3()).getObjectBytes(BUCKET, OBJECT_KEY)).toString("utf8");
          return stored.startsWith(`${EDIT}\n`) ? true : undefined;
        }, () => JSON.stringify(stored.slice(0, 60)));
        assert.equal(stored, `${EDIT}\n${original}`, "the stored object is the original with the new first line (nothing else changed)");
        ctx.note(`stored ${Buffer.byteLength(stored)} bytes (was ${Buffer.byteLength(original)}), starting ${JSON.stringify(stored.slice(0, 40))}`);
      },
    },
  ];

  return {
    steps,
    problems: async () => (await workbench.errorToasts()).map((m) => `error notification: ${m}`),
    dispose: () => registry.reset(),
  };
}
