// S3 connector benchmark: the connector's uploadFile/downloadFile against the AWS CLI's `aws s3 cp`
// for the same 1 GiB file, on the same throwaway Ceph RGW (test/fixtures/rgw.ts), in one run.
//
//   npm run bench -- s3 [--size-mib=1024] [--repeat=3] [--profile]
//
//   upload    local file → object   uploadFile(file, bucket, key)   vs  aws s3 cp <file> s3://bucket/key
//   download  object → local file   downloadFile(bucket, key, file)  vs  aws s3 cp s3://bucket/key <file>
//
// The reference is Debian's awscli (v2.9) at /usr/bin/aws — never another `aws` on PATH — installed
// with apt-get when missing and running as root. It gets its keys from the environment and an
// isolated config file in the temp dir (the real ~/.aws is never read or written), with the same
// transfer settings as the connector's defaults: 8 MiB multipart threshold, 8 MiB parts, 10 requests
// in flight. Its process start-up is part of its time (measured separately and printed).
//
// Each round uploads the file with both clients (alternating which goes first), then each client
// downloads the object the *other* one uploaded, and every downloaded file is checked by sha256
// against the source: both uploads and both downloads are verified every round. The objects are then
// deleted and RGW's garbage collection is run at once (its OSD keeps objects in RAM). The table shows
// medians. Targets are informational: above one prints ABOVE-TARGET and still exits 0; a wrong result
// (size, sha256, a failed command) exits 1. Results also go to .test-output/bench/s3.json; with
// --profile, V8 CPU profiles of the connector's runs go to .test-output/bench/profiles/.
import { accessSync, constants as fsc, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRegistry, type S3Connector } from "../src/connectors/index";
import { run } from "../test/fixtures/processes";
import { rgwMemoryUsage, startRgw, type RgwServer } from "../test/fixtures/rgw";
import {
  ROOT,
  UsageError,
  compareSamples,
  cpuMsSince,
  formatMiB,
  formatMs,
  intOption,
  machineInfo,
  median,
  mibPerSecond,
  packageVersion,
  parseOptions,
  renderTable,
  round,
  runningChildren,
  sha256File,
  sideOrder,
  startCpuProfile,
  timedRun,
  topSelfTime,
  writeRandomFile,
  writeReport,
  type Comparison,
  type TimedRun,
} from "./common";

const MIB = 1024 * 1024;
const AWS = "/usr/bin/aws";
const BUCKET = "awc-bench";
const TARGETS = { upload: 1.0, download: 1.0 } as const;
/** What the aws cli is configured with; the connector's defaults are the same (printed from its resolved profile). */
const AWS_TRANSFER = { multipart_threshold: "8MB", multipart_chunksize: "8MB", max_concurrent_requests: 10 } as const;

type Side = "reference" | "connector";

// ---------------------------------------------------------------------------------------------
// The reference: aws s3 cp

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsc.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** /usr/bin/aws, apt-get installed (package awscli) when missing and running as root. */
async function ensureAwsCli(): Promise<void> {
  if (isExecutable(AWS)) return;
  if (process.getuid?.() !== 0 || !isExecutable("/usr/bin/apt-get")) {
    throw new Error(`${AWS} not found: install Debian's awscli as root (\`apt-get install -y awscli\`); another \`aws\` on PATH is not used`);
  }
  process.stderr.write(`  ${AWS} missing: apt-get install -y awscli …\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let res = await run("apt-get", ["install", "-y", "awscli"], { env, timeoutMs: 15 * 60_000 });
  if (res.code !== 0) {
    // A stale package index: refresh it once and try again.
    await run("apt-get", ["update"], { env, timeoutMs: 15 * 60_000 });
    res = await run("apt-get", ["install", "-y", "awscli"], { env, timeoutMs: 15 * 60_000 });
  }
  if (res.code !== 0 || !isExecutable(AWS)) throw new Error(`apt-get install -y awscli failed (exit ${res.code ?? res.signal}):\n${(res.stderr || res.stdout).slice(-3000)}`);
}

/** Environment for the aws cli: no AWS_* of the caller, keys from the test server, config/credentials/home in the temp dir. */
function awsEnvironment(server: RgwServer, workDir: string): NodeJS.ProcessEnv {
  const home = path.join(workDir, "aws-home");
  const config = path.join(workDir, "aws-config");
  const credentials = path.join(workDir, "aws-credentials");
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home);
  writeFileSync(
    config,
    [
      "[default]",
      `region = ${server.region}`,
      "s3 =",
      ...Object.entries(AWS_TRANSFER).map(([k, v]) => `  ${k} = ${v}`),
      "",
    ].join("\n"),
  );
  writeFileSync(credentials, "");
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
  Object.assign(env, {
    HOME: home,
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_DEFAULT_REGION: server.region,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
    LC_ALL: "C.UTF-8",
  });
  return env;
}

function awsRunner(server: RgwServer, workDir: string) {
  const env = awsEnvironment(server, workDir);
  const timeFile = path.join(workDir, "aws.time");
  return async (args: string[]): Promise<TimedRun> => {
    const quiet = args[0] === "s3" ? ["--no-progress", "--only-show-errors"] : [];
    const res = await timedRun(AWS, [...args, "--endpoint-url", server.endpoint, ...quiet], { env, cwd: workDir, timeFile, timeoutMs: 600_000 });
    if (res.code !== 0) throw new Error(`aws ${args.join(" ")} failed (exit ${res.code ?? res.signal}): ${(res.stderr || res.stdout).trim().slice(-2000)}`);
    return res;
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cli = parseOptions(process.argv.slice(2), ["size-mib", "repeat", "profile"]);
  const options = { sizeMiB: intOption(cli, "size-mib", 1024, 9), repeat: intOption(cli, "repeat", 3) };
  const profileDir = cli.has("profile") ? path.join(ROOT, ".test-output", "bench", "profiles") : undefined;
  const size = options.sizeMiB * MIB;
  const started = performance.now();
  const machine = machineInfo();
  const loadStart = os.loadavg()[0]!;
  // Two objects are stored at a time (plus a little): make the OSD's memstore big enough.
  if (!process.env["AWC_RGW_MEMSTORE_BYTES"]) process.env["AWC_RGW_MEMSTORE_BYTES"] = String(Math.max(3 * 1024 * MIB, 2 * size + 1024 * MIB));

  const workDir = mkdtempSync(path.join(os.tmpdir(), "awc-bench-s3-"));
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const child of runningChildren) child.kill("SIGKILL");
    rmSync(workDir, { recursive: true, force: true });
    // Exiting runs the RGW fixture's exit hook, which kills its daemons synchronously.
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);

  let server: RgwServer | undefined;
  const secretVar = "AWC_BENCH_S3_SECRET";
  let registry = createRegistry({ env: {} });
  try {
    console.log(`S3 connector benchmark — ${formatMiB(size)} file, ${options.repeat} runs per side (median), connector vs ${AWS} s3 cp`);
    await ensureAwsCli();
    const awsVersion = (await run(AWS, ["--version"], { env: { ...process.env, AWS_PAGER: "" } })).stdout.trim();

    const source = path.join(workDir, "source.bin");
    const tGen = performance.now();
    const sourceSha = await writeRandomFile(source, size);
    process.stderr.write(`  generated ${formatMiB(size)} of random data in ${formatMs(performance.now() - tGen)}\n`);

    const tStart = performance.now();
    server = await startRgw();
    const srv = server;
    process.stderr.write(`  started Ceph RGW on ${srv.endpoint} (pids mon ${srv.pids.mon}, osd ${srv.pids.osd}, rgw ${srv.pids.rgw}) in ${formatMs(performance.now() - tStart)}\n`);
    const serverVersion = (await run("radosgw", ["--version"])).stdout.trim().split("\n")[0] ?? "radosgw";

    registry = createRegistry({
      env: {
        [secretVar]: srv.secretAccessKey,
        AUTO_WORKFLOW_CONNECTORS_S3_BENCH__JSON: JSON.stringify({
          endpointUrl: srv.endpoint,
          region: srv.region,
          accessKeyId: srv.accessKeyId,
          secretAccessKey: `secret://env/${secretVar}`,
          // RGW (pacific) has no flexible checksums: the SDK must only send those an API requires.
          checksum: "when_required",
        }),
      },
    });
    const resolved = await registry.resolveConfig("s3", "bench");
    const transfer = resolved.values["transfer"] as { threshold: number; partSize: number; concurrency: number };
    const client: S3Connector = await registry.get("s3", "bench");
    await client.createBucket(BUCKET, { existOk: true });
    const aws = awsRunner(srv, workDir);

    const gc = async (): Promise<void> => {
      const res = await run("radosgw-admin", ["-c", srv.confPath, "gc", "process", "--include-all"], { cwd: srv.rootDir, timeoutMs: 120_000 });
      if (res.code !== 0) throw new Error(`radosgw-admin gc process failed (exit ${res.code ?? res.signal}): ${(res.stderr || res.stdout).trim().slice(-1500)}`);
    };

    // Warm-up (not measured): both clients move a small multipart file both ways once; aws's
    // start-up (python, botocore) + one request is measured on its own, for reference.
    const warm = path.join(workDir, "warm.bin");
    await writeRandomFile(warm, 3 * transfer.partSize + 17);
    await client.uploadFile(warm, BUCKET, "warm-connector");
    await client.downloadFile(BUCKET, "warm-connector", path.join(workDir, "warm-connector.out"));
    await aws(["s3", "cp", warm, `s3://${BUCKET}/warm-aws`]);
    await aws(["s3", "cp", `s3://${BUCKET}/warm-aws`, path.join(workDir, "warm-aws.out")]);
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) startups.push((await aws(["s3api", "head-object", "--bucket", BUCKET, "--key", "warm-aws"])).ms);
    const awsStartup = median(startups);
    for (const key of ["warm-connector", "warm-aws"]) await client.deleteObject(BUCKET, key);
    rmSync(path.join(workDir, "warm-connector.out"), { force: true });
    rmSync(path.join(workDir, "warm-aws.out"), { force: true });

    // --- rounds --------------------------------------------------------------------------------
    const samples = { upload: { reference: [] as number[], connector: [] as number[] }, download: { reference: [] as number[], connector: [] as number[] } };
    const cpu = { upload: { reference: [] as number[], connector: [] as number[] }, download: { reference: [] as number[], connector: [] as number[] } };
    const awsRss: number[] = [];
    const etags: Record<Side, string[]> = { reference: [], connector: [] };
    const osdRss: number[] = [];
    const profiles: Array<{ file: string; top: ReturnType<typeof topSelfTime> }> = [];
    const keyOf = (side: Side, r: number): string => `${side === "reference" ? "aws" : "connector"}-${r}`;
    const outOf = (side: Side): string => path.join(workDir, `download-${side}.bin`);

    const connectorRun = async <T>(label: string, fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> => {
      const profiler = profileDir ? await startCpuProfile() : undefined;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const value = await fn();
      const ms = performance.now() - t0;
      const cpuMs = cpuMsSince(cpu0);
      if (profiler) {
        const file = path.join(profileDir!, `s3-${label}-${Date.now()}.cpuprofile`);
        await profiler.stop(file);
        profiles.push({ file: path.relative(ROOT, file), top: topSelfTime(file) });
      }
      return { ms, cpuMs, value };
    };
    const log = (op: string, r: number, side: Side, ms: number, cpuMs: number | undefined): void => {
      process.stderr.write(`  ${op.padEnd(8)} #${r + 1} ${side.padEnd(9)} ${formatMs(ms).padStart(8)}  ${mibPerSecond(size, ms).toFixed(0).padStart(4)} MiB/s  cpu ${cpuMs === undefined ? "n/a" : formatMs(cpuMs)}\n`);
    };

    for (let r = 0; r < options.repeat; r++) {
      // Upload: both clients, the same source file, each to its own key.
      for (const side of sideOrder(r)) {
        const key = keyOf(side, r);
        if (side === "reference") {
          const res = await aws(["s3", "cp", source, `s3://${BUCKET}/${key}`]);
          samples.upload.reference.push(res.ms);
          if (res.cpuMs !== undefined) cpu.upload.reference.push(res.cpuMs);
          if (res.maxRssKiB !== undefined) awsRss.push(res.maxRssKiB / 1024);
          log("upload", r, side, res.ms, res.cpuMs);
        } else {
          const res = await connectorRun(`upload-${r}`, () => client.uploadFile(source, BUCKET, key));
          if (res.value.size !== size) throw new Error(`uploadFile reported ${res.value.size} bytes, the file has ${size}`);
          samples.upload.connector.push(res.ms);
          cpu.upload.connector.push(res.cpuMs);
          log("upload", r, side, res.ms, res.cpuMs);
        }
        const head = await client.headObject(BUCKET, key);
        if (head.size !== size) throw new Error(`${side} upload: the object ${key} has ${head.size} bytes, expected ${size}`);
        etags[side].push(head.etag ?? "");
      }
      // Download: each client fetches the object the other one uploaded.
      for (const side of sideOrder(r)) {
        const key = keyOf(side === "reference" ? "connector" : "reference", r);
        const out = outOf(side);
        rmSync(out, { force: true });
        if (side === "reference") {
          const res = await aws(["s3", "cp", `s3://${BUCKET}/${key}`, out]);
          samples.download.reference.push(res.ms);
          if (res.cpuMs !== undefined) cpu.download.reference.push(res.cpuMs);
          if (res.maxRssKiB !== undefined) awsRss.push(res.maxRssKiB / 1024);
          log("download", r, side, res.ms, res.cpuMs);
        } else {
          const res = await connectorRun(`download-${r}`, () => client.downloadFile(BUCKET, key, out));
          if (res.value.size !== size) throw new Error(`downloadFile reported ${res.value.size} bytes, expected ${size}`);
          samples.download.connector.push(res.ms);
          cpu.download.connector.push(res.cpuMs);
          log("download", r, side, res.ms, res.cpuMs);
        }
      }
      // Verify: the connector's download checks the aws upload and vice versa.
      for (const side of ["reference", "connector"] as const) {
        const out = outOf(side);
        const got = statSync(out).size;
        if (got !== size) throw new Error(`${side} download: ${out} has ${got} bytes, expected ${size}`);
        const sha = await sha256File(out);
        const uploader = side === "reference" ? "connector" : "aws cli";
        if (sha !== sourceSha) throw new Error(`${side} download of the ${uploader}'s upload (round ${r + 1}): sha256 ${sha} ≠ source ${sourceSha}`);
        rmSync(out, { force: true });
      }
      process.stderr.write(`  round ${r + 1}: sha256 of both downloads = source (${sourceSha.slice(0, 12)}…)\n`);
      // Free RGW's memory before the next round.
      for (const side of ["reference", "connector"] as const) await client.deleteObject(BUCKET, keyOf(side, r));
      osdRss.push(rgwMemoryUsage(srv).osd);
      await gc();
      await run("sync", ["-f", workDir]);
    }
    const leftovers = await client.listMultipartUploads(BUCKET);
    if (leftovers.length) throw new Error(`multipart uploads left behind: ${leftovers.map((u) => u.key).join(", ")}`);
    const memAfter = rgwMemoryUsage(srv);

    // --- report --------------------------------------------------------------------------------
    const cpuMedian = (v: number[]): number | null => (v.length ? round(median(v), 1) : null);
    const results: Comparison[] = [];
    for (const op of ["upload", "download"] as const) {
      const label = op === "upload" ? `upload (${formatMiB(size)} file → object)` : `download (object → ${formatMiB(size)} file)`;
      const refName = op === "upload" ? "aws s3 cp file s3://…" : "aws s3 cp s3://… file";
      const connName = op === "upload" ? "client.uploadFile" : "client.downloadFile";
      const ref = samples[op].reference;
      const conn = samples[op].connector;
      results.push(
        compareSamples(label, "ms", refName, ref, connName, conn, TARGETS[op], {
          bytes: size,
          mibPerSecond: { reference: round(mibPerSecond(size, median(ref)), 1), connector: round(mibPerSecond(size, median(conn)), 1) },
          clientCpuMsMedian: { reference: cpuMedian(cpu[op].reference), connector: cpuMedian(cpu[op].connector) },
          clientCpuMsSamples: { reference: cpu[op].reference.map((v) => round(v, 1)), connector: cpu[op].connector.map((v) => round(v, 1)) },
          ratioExcludingAwsStartup: round(median(conn) / Math.max(1, median(ref) - awsStartup), 3),
        }),
      );
    }
    const parts = (etag: string): string => /-(\d+)"?$/.exec(etag)?.[1] ?? "1";
    console.log("");
    console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.platform}, load average ${loadStart.toFixed(2)} at start`);
    console.log(`node ${machine.node}; @aws-sdk/client-s3 ${packageVersion("@aws-sdk/client-s3")}, @aws-sdk/lib-storage ${packageVersion("@aws-sdk/lib-storage")}`);
    console.log(`server: ${serverVersion} (beast, memstore OSD) on 127.0.0.1, plain http; test/fixtures/rgw.ts`);
    console.log(`reference: ${AWS}: ${awsVersion}; its start-up + one request (s3api head-object) is ~${formatMs(awsStartup)}, included in its times`);
    console.log(
      `transfer settings: connector (resolved profile) threshold ${formatMiB(transfer.threshold)}, partSize ${formatMiB(transfer.partSize)}, concurrency ${transfer.concurrency}; ` +
        `aws cli (config file) multipart_threshold ${AWS_TRANSFER.multipart_threshold}, multipart_chunksize ${AWS_TRANSFER.multipart_chunksize}, max_concurrent_requests ${AWS_TRANSFER.max_concurrent_requests} ` +
        `(MB = MiB for the aws cli); parts per object: aws ${parts(etags.reference[0] ?? "")}, connector ${parts(etags.connector[0] ?? "")}`,
    );
    console.log(
      "checksums: connector checksum=when_required (no flexible checksums; SigV4 signs each part's SHA-256 over http); " +
        "aws cli 2.9 sends Content-MD5 + a SHA-256-signed payload on every UploadPart (no x-amz-checksum-*), and validates nothing on download",
    );
    console.log("");
    console.log(
      renderTable(
        ["operation", "reference", "reference time", "connector time", "ratio", "target", "result"],
        results.map((c) => [c.operation, c.reference.name, formatMs(c.reference.median), formatMs(c.connector.median), `${c.ratio.toFixed(2)}×`, c.target, c.status]),
        [0, 1],
      ),
    );
    console.log("");
    console.log(`medians of ${options.repeat} run${options.repeat === 1 ? "" : "s"} per side, alternating order; the ratio is connector / reference.`);
    const cell = (v: number | null): string => (v === null ? "n/a" : formatMs(v));
    console.log(
      "throughput, median (aws / connector): " +
        results.map((c) => `${c.operation.split(" ")[0]} ${(c.notes!["mibPerSecond"] as { reference: number }).reference} / ${(c.notes!["mibPerSecond"] as { connector: number }).connector} MiB/s`).join("; "),
    );
    console.log(
      "client CPU, user+sys, median (aws / connector): " +
        (["upload", "download"] as const).map((op) => `${op} ${cell(cpuMedian(cpu[op].reference))} / ${cell(cpuMedian(cpu[op].connector))}`).join("; ") +
        (cpu.upload.reference.length ? "" : ` (aws's CPU needs GNU time at /usr/bin/time)`),
    );
    console.log(
      `ratio with aws's start-up (~${formatMs(awsStartup)}) taken out: ` + results.map((c) => `${c.operation.split(" ")[0]} ${(c.notes!["ratioExcludingAwsStartup"] as number).toFixed(2)}×`).join("; "),
    );
    console.log(
      `memory: RGW's OSD ${formatMiB(Math.max(...osdRss))} RSS at most (two objects stored; deleted + gc after each round), ${formatMiB(memAfter.osd)} at the end; ` +
        `aws cli peak RSS ${awsRss.length ? `${Math.max(...awsRss).toFixed(0)} MiB` : "n/a"}`,
    );
    for (const p of profiles) console.log(`profile ${p.file}: top self time ${p.top.slice(0, 4).map((t) => `${t.fn} ${t.ms} ms`).join(", ")}`);
    if (loadStart >= machine.nproc * 0.75) {
      console.log(
        `note: the machine was already busy when the benchmark started (1-min load average ${loadStart.toFixed(2)}, ${machine.nproc} CPUs): ` +
          "wall times are noisy; rerun on an idle machine to judge the targets.",
      );
    }

    const file = writeReport("s3", {
      benchmark: "s3",
      date: new Date().toISOString(),
      options,
      machine: { ...machine, server: serverVersion, awsCli: awsVersion, packages: { "@aws-sdk/client-s3": packageVersion("@aws-sdk/client-s3"), "@aws-sdk/lib-storage": packageVersion("@aws-sdk/lib-storage") } },
      data: { bytes: size, sha256: sourceSha },
      settings: { connector: { ...transfer, checksum: "when_required" }, awsCli: AWS_TRANSFER, partsPerObject: { reference: etags.reference.map(parts), connector: etags.connector.map(parts) } },
      loadAverage: { start: round(loadStart), end: round(os.loadavg()[0]!) },
      awsStartupMs: round(awsStartup, 1),
      results,
      rgwMemoryBytes: { osdBeforeGcPerRound: osdRss, atEnd: memAfter },
      awsPeakRssMiB: awsRss.map((v) => round(v, 1)),
      profiles,
      durationMs: Math.round(performance.now() - started),
    });
    console.log(`wrote ${file} (total ${formatMs(performance.now() - started)})`);
  } finally {
    await registry.reset().catch(() => undefined);
    await server?.stop();
    rmSync(workDir, { recursive: true, force: true });
    for (const signal of signals) process.off(signal, onSignal);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench s3: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  console.error(`bench s3 failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
