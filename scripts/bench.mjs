#!/usr/bin/env node
// Runs the benchmarks under bench/, each in its own `node --import tsx bench/<name>.ts` process.
//
//   npm run bench                      every benchmark that exists
//   npm run bench -- postgres          one (or several) by name
//   npm run bench -- postgres --rows=100000 --repeat=1
//                                      options (`--name=value`) are passed to every benchmark run
//
// Exit status: 0 when every benchmark ran (being above a time target is informational, never a
// failure); 1 when a benchmark failed with an error; 2 for a usage error.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const KNOWN = ["postgres", "s3", "adls2", "tree", "activation"];

function usage() {
  return [
    "usage: npm run bench [-- <name>...] [-- --option=value...]",
    `names: ${KNOWN.map((n) => `${n}${existsSync(benchFile(n)) ? "" : " (not written yet)"}`).join(", ")}`,
    "with no name, every benchmark that exists runs.",
  ].join("\n");
}

function benchFile(name) {
  return path.join(ROOT, "bench", `${name}.ts`);
}

const argv = process.argv.slice(2).filter((a) => a !== "--");
if (argv.includes("-h") || argv.includes("--help")) {
  console.log(usage());
  process.exit(0);
}
const options = argv.filter((a) => a.startsWith("-"));
const requested = argv.filter((a) => !a.startsWith("-"));

const unknown = requested.filter((n) => !KNOWN.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(", ")}\n${usage()}`);
  process.exit(2);
}
const missing = requested.filter((n) => !existsSync(benchFile(n)));
if (missing.length) {
  console.error(`no benchmark written yet for: ${missing.join(", ")} (expected ${missing.map((n) => path.relative(ROOT, benchFile(n))).join(", ")})`);
  process.exit(2);
}
const names = requested.length ? [...new Set(requested)] : KNOWN.filter((n) => existsSync(benchFile(n)));
if (!names.length) {
  console.error(`no benchmarks found under ${path.join(ROOT, "bench")}`);
  process.exit(2);
}

/** Runs one benchmark; resolves with its exit code (signals forwarded, so its cleanup runs). */
function runOne(name) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.relative(ROOT, benchFile(name)), ...options], { cwd: ROOT, stdio: "inherit" });
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
    for (const s of signals) process.on(s, forward);
    child.once("error", (error) => {
      for (const s of signals) process.off(s, forward);
      console.error(`bench ${name}: cannot start: ${error.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

const failed = [];
for (const name of names) {
  if (names.length > 1) console.log(`\n=== bench: ${name} ===`);
  const code = await runOne(name);
  if (code !== 0) failed.push(`${name} (exit ${code})`);
}
if (failed.length) {
  console.error(`\nbenchmarks failed: ${failed.join(", ")}`);
  process.exit(1);
}
