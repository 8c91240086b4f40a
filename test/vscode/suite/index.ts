// Test entry point loaded by VS Code's extension host (`extensionTestsPath`), as with @vscode/test-electron:
// runs mocha (bdd) over every `*.test.js` bundled next to this file and rejects when any test fails, which
// makes VS Code exit with a non-zero code.
//
// Environment (all optional; set by test/vscode/run.mjs):
//   AWC_VSCODE_RESULT_FILE  write mocha's stats there as JSON ({ passes, failures, pending, tests, duration })
//   AWC_VSCODE_GREP         only run tests whose full title matches this regular expression
//   AWC_VSCODE_COLOR        "1" for colored reporter output
import * as fs from "node:fs";
import * as path from "node:path";
import Mocha from "mocha";

const SUITE_START = "[awc-vscode-suite] start";
const SUITE_END = "[awc-vscode-suite] end";

export interface SuiteResult {
  passes: number;
  failures: number;
  pending: number;
  tests: number;
  duration: number;
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: "bdd",
    reporter: "spec",
    color: process.env.AWC_VSCODE_COLOR === "1",
    timeout: 30_000,
    ...(process.env.AWC_VSCODE_GREP ? { grep: process.env.AWC_VSCODE_GREP } : {}),
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith(".test.js"))
    .sort();
  for (const name of files) mocha.addFile(path.join(__dirname, name));

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files in ${__dirname}`));
      return;
    }
    // Markers for test/vscode/run.mjs: what is printed between them is test output.
    console.log(SUITE_START);
    try {
      const runner = mocha.run((failures) => {
        console.log(SUITE_END);
        const stats = runner.stats;
        const result: SuiteResult = {
          passes: stats?.passes ?? 0,
          failures,
          pending: stats?.pending ?? 0,
          tests: stats?.tests ?? 0,
          duration: stats?.duration ?? 0,
        };
        const resultFile = process.env.AWC_VSCODE_RESULT_FILE;
        if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(result) + "\n");
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      console.log(SUITE_END);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
