// A small sequential step runner for UI end-to-end scenarios: each step has a time limit, a screenshot
// is taken after it (NN-<step>.png, also when it fails), and browser errors that happened during it are
// checked. Steps depend on each other: after the first failure the rest are not run.
import path from "node:path";
import type { ConsoleMessage, Page } from "playwright-core";

export interface StepContext {
  page: Page;
  /** Milliseconds left of this step's limit, minus a margin (for the time-outs of its waits). */
  remaining(): number;
  /** A line of the step's output (indented under the step). */
  note(line: string): void;
}

export interface Step {
  title: string;
  timeoutMs: number;
  run(ctx: StepContext): Promise<void>;
}

export interface StepResult {
  index: number;
  title: string;
  status: "passed" | "failed" | "not run";
  ms: number;
  screenshot?: string;
  error?: string;
}

// Harmless offline noise (shared notes real-vscode.md, as test/vscode/run.mjs filters it), kept narrow:
// the extension gallery (open-vsx), the GitHub authentication provider, telemetry/CDN host lookups,
// vsda (not shipped with code-server), and the browser failing to resolve a public host.
const NOISE: RegExp[] = [
  /open-vsx\.org/i,
  /authentication provider.*github|github.*authentication/i,
  /(ENOTFOUND|EAI_AGAIN) [\w.-]*(visualstudio\.com|microsoft\.com|vscode-cdn\.net|vscode-unpkg\.net|azure\.com|github\.com|githubusercontent\.com)/i,
  /telemetry.*(ENOTFOUND|EAI_AGAIN|getaddrinfo)|(ENOTFOUND|EAI_AGAIN|getaddrinfo).*telemetry/i,
  /Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED)/,
  /Failed to load resource: the server responded with a status of 404.*vsda/is,
];
export const isNoise = (text: string): boolean => NOISE.some((re) => re.test(text));

/** Errors that come from this extension (its id, its command/setting prefix, its output channel). */
const EXTENSION = /auto-workflow|autoWorkflow|Auto Workflow/i;

export interface BrowserProblem {
  kind: "pageerror" | "console";
  text: string;
  /** From the extension (fails the step) or another part of the workbench (reported only). */
  fromExtension: boolean;
}

/** Collects the page's errors; `take()` returns (and forgets) what came since the last call. */
export class BrowserErrors {
  private pending: BrowserProblem[] = [];
  readonly all: BrowserProblem[] = [];

  constructor(page: Page, log: (line: string) => void, verbose = false) {
    page.on("pageerror", (err) => {
      const text = err.stack ?? err.message;
      if (isNoise(text)) return;
      // An uncaught error in the workbench page: always counted (the extension's UI runs there too).
      this.add({ kind: "pageerror", text, fromExtension: true });
    });
    page.on("console", (msg: ConsoleMessage) => {
      if (verbose) log(`[browser ${msg.type()}] ${msg.text()}`);
      if (msg.type() !== "error") return;
      const where = msg.location().url;
      const text = `${msg.text()}${where ? ` (${where})` : ""}`;
      if (isNoise(text)) return;
      this.add({ kind: "console", text, fromExtension: EXTENSION.test(text) });
    });
  }

  private add(p: BrowserProblem): void {
    this.pending.push(p);
    this.all.push(p);
  }

  take(): BrowserProblem[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

const slug = (title: string): string =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 48);

class StepTimeout extends Error {}

export async function runSteps(
  page: Page,
  steps: Step[],
  opts: {
    screenshotDir: string;
    errors: BrowserErrors;
    log: (line: string) => void;
    /** Problems the UI shows after a step (e.g. error notifications); any fails the step. */
    problems?: () => Promise<string[]>;
    /** Rejects when running further is pointless (the sandbox went away): fails the running step at once. */
    abort?: Promise<never>;
  },
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let failed = false;
  for (const [i, step] of steps.entries()) {
    const index = i + 1;
    const nn = String(index).padStart(2, "0");
    if (failed) {
      results.push({ index, title: step.title, status: "not run", ms: 0 });
      opts.log(`  - ${nn} ${step.title}: not run`);
      continue;
    }
    const t0 = Date.now();
    const deadline = t0 + step.timeoutMs;
    const notes: string[] = [];
    const ctx: StepContext = {
      page,
      // A little less than what is left: a wait that times out says what it waited for before the step's own limit hits.
      remaining: () => Math.max(500, deadline - Date.now() - 1_500),
      note: (line) => notes.push(line),
    };
    let error: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        step.run(ctx),
        ...(opts.abort ? [opts.abort] : []),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StepTimeout(`step did not finish within ${step.timeoutMs / 1000} s`)), step.timeoutMs);
        }),
      ]);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timer);
    }
    const shown = (await opts.problems?.().catch(() => [] as string[])) ?? [];
    if (!error && shown.length > 0) error = `the UI shows:\n${shown.map((p) => `  ${p}`).join("\n")}`;
    const problems = opts.errors.take();
    const fatal = problems.filter((p) => p.fromExtension);
    if (!error && fatal.length > 0) error = `browser errors from the extension:\n${fatal.map((p) => `  [${p.kind}] ${p.text}`).join("\n")}`;
    for (const p of problems.filter((q) => !q.fromExtension)) notes.push(`(browser ${p.kind}, not counted: ${p.text.split("\n")[0]})`);
    const ms = Date.now() - t0;
    const file = path.join(opts.screenshotDir, `${nn}-${slug(step.title)}${error ? "-FAILED" : ""}.png`);
    let screenshot: string | undefined;
    try {
      // Transitions finished at once: toasts and the quick input show as they settle, not half faded.
      await page.screenshot({ path: file, timeout: 10_000, animations: "disabled" });
      screenshot = file;
    } catch (err) {
      notes.push(`(no screenshot: ${(err as Error).message.split("\n")[0]})`);
    }
    const status = error ? "failed" : "passed";
    results.push({ index, title: step.title, status, ms, ...(screenshot ? { screenshot } : {}), ...(error ? { error } : {}) });
    opts.log(`  ${error ? "✗" : "✓"} ${nn} ${step.title} (${(ms / 1000).toFixed(1)} s)`);
    for (const line of notes) opts.log(`      ${line}`);
    if (error) {
      for (const line of error.split("\n")) opts.log(`      ${line}`);
      failed = true;
    }
  }
  return results;
}
