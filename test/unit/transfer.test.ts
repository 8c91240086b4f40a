// transfer.ts: the download path guard, bounded concurrency, throttled progress, walking a local
// tree and atomic writes (temp file + rename). Temp folders only; no servers.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { PermanentError } from "../../src/connectors/errors";
import { ProgressReporter, forEachConcurrent, localPathFor, walkFiles, writeAtomically, type TransferProgress } from "../../src/connectors/transfer";
import { rejection } from "./helpers";

function tempDir(): { root: string; dispose(): void } {
  const root = mkdtempSync(path.join(tmpdir(), "awc-transfer-"));
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file and folder below `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((p) => p.split(path.sep).join("/")).sort();
}

describe("localPathFor", () => {
  it("places nested keys inside the destination", () => {
    const t = tempDir();
    try {
      const dest = path.join(t.root, "dest");
      const target = localPathFor(dest, "a/b/c.txt", "s3");
      assert.equal(target, path.join(dest, "a", "b", "c.txt"));
      assert.ok(target.startsWith(path.resolve(dest) + path.sep));
      assert.equal(localPathFor(dest, "file.bin", "s3"), path.join(dest, "file.bin"));
      // A relative destination is resolved against the working directory.
      assert.equal(localPathFor("rel-dest", "x/y", "adls2"), path.resolve("rel-dest", "x", "y"));
      // Computing a path never creates anything.
      assert.equal(existsSync(dest), false);
    } finally {
      t.dispose();
    }
  });

  const refused: Array<[string, string]> = [
    ["../x", "parent traversal"],
    ["a/../../b", "traversal after a segment"],
    ["a/../b", "'..' inside, even when it stays inside"],
    ["..", "bare '..'"],
    ["/etc/passwd", "absolute path"],
    ["C:\\x", "drive letter with backslash"],
    ["C:/x", "drive letter with slash"],
    ["c:x", "drive-relative path"],
    ["..\\x", "backslash traversal"],
    ["a\\..\\..\\b", "backslash traversal after a segment"],
    ["\\\\server\\share\\x", "UNC path"],
    ["", "empty name"],
    [".", "the destination itself"],
    ["a\u0000b", "NUL"],
  ];
  for (const [key, why] of refused) {
    it(`refuses ${JSON.stringify(key)} (${why}) with a PermanentError and writes nothing`, () => {
      const t = tempDir();
      try {
        const dest = path.join(t.root, "dest");
        let thrown: unknown;
        try {
          localPathFor(dest, key, "s3");
        } catch (error) {
          thrown = error;
        }
        assert.ok(thrown instanceof PermanentError, `expected a PermanentError, got ${String(thrown)}`);
        assert.match(thrown.message, /refusing to download/);
        assert.equal(thrown.connector, "s3");
        assert.equal(thrown.operation, "downloadPrefix");
        assert.equal(thrown.retryable, false);
        assert.deepEqual(readdirSync(t.root), [], "nothing may be created");
      } finally {
        t.dispose();
      }
    });
  }
});

describe("forEachConcurrent", () => {
  /** A worker that records how many calls overlap. */
  function instrumented(delayMs = 3) {
    const state = { inFlight: 0, max: 0, done: [] as number[], started: [] as number[] };
    const worker = async (item: number): Promise<void> => {
      state.started.push(item);
      state.inFlight++;
      state.max = Math.max(state.max, state.inFlight);
      await sleep(delayMs);
      state.inFlight--;
      state.done.push(item);
    };
    return { state, worker };
  }
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  it("never runs more than `concurrency` workers at once, and uses them all", async () => {
    const { state, worker } = instrumented();
    await forEachConcurrent(range(20), 3, worker);
    assert.equal(state.max, 3);
    assert.equal(state.inFlight, 0);
    assert.deepEqual([...state.done].sort((a, b) => a - b), range(20));
  });

  it("processes every item of a sync iterable (a generator) exactly once", async () => {
    function* gen(): Generator<number> {
      for (let i = 0; i < 15; i++) yield i;
    }
    const { state, worker } = instrumented(1);
    await forEachConcurrent(gen(), 4, worker);
    assert.deepEqual([...state.done].sort((a, b) => a - b), range(15));
    assert.ok(state.max <= 4, `max in flight ${state.max}`);
  });

  it("processes every item of an async iterable exactly once, bounded", async () => {
    async function* gen(): AsyncGenerator<number> {
      for (let i = 0; i < 12; i++) {
        await sleep(0);
        yield i;
      }
    }
    const { state, worker } = instrumented(2);
    await forEachConcurrent(gen(), 2, worker);
    assert.deepEqual([...state.done].sort((a, b) => a - b), range(12));
    assert.ok(state.max <= 2, `max in flight ${state.max}`);
    assert.ok(state.max >= 2, "both lanes were used");
  });

  it("an empty input resolves without calling the worker; concurrency < 1 still makes progress", async () => {
    let calls = 0;
    await forEachConcurrent([], 5, async () => {
      calls++;
    });
    assert.equal(calls, 0);
    const { state, worker } = instrumented(0);
    await forEachConcurrent(range(5), 0, worker);
    assert.equal(state.done.length, 5);
    assert.equal(state.max, 1);
  });

  it("the first failure stops new work and is rethrown as is", async () => {
    const boom = new Error("item 3 failed");
    const started: number[] = [];
    const error = await rejection(() =>
      forEachConcurrent(range(100), 2, async (item) => {
        started.push(item);
        await sleep(1);
        if (item === 3) throw boom;
      }),
    );
    assert.equal(error, boom);
    await sleep(20);
    // Items 0..3 plus at most the one in the other lane; nothing new after the failure.
    assert.ok(started.length <= 5, `started ${started.length} items: ${started.join(",")}`);
    assert.ok(!started.includes(99));
  });

  it("only the first failure is thrown when several fail", async () => {
    const error = await rejection(() =>
      forEachConcurrent(range(10), 3, async (item) => {
        await sleep(item === 0 ? 1 : 10);
        throw new Error(`failed ${item}`);
      }),
    );
    assert.ok(error instanceof Error);
    assert.equal(error.message, "failed 0");
  });

  it("an already aborted signal starts nothing and rejects with its reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop now");
    controller.abort(reason);
    let calls = 0;
    const error = await rejection(() =>
      forEachConcurrent(
        range(10),
        3,
        async () => {
          calls++;
        },
        controller.signal,
      ),
    );
    assert.equal(error, reason);
    assert.equal(calls, 0);
  });

  it("aborting midway stops new work", async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const error = await rejection(() =>
      forEachConcurrent(
        range(50),
        2,
        async (item) => {
          await sleep(1);
          done.push(item);
          if (done.length === 4) controller.abort(new Error("user cancelled"));
        },
        controller.signal,
      ),
    );
    assert.ok(error instanceof Error);
    assert.equal(error.message, "user cancelled");
    await sleep(20);
    assert.ok(done.length <= 5, `done ${done.length}`);
  });
});

describe("ProgressReporter", () => {
  it("throttles to one callback per interval; emit() forces one with the latest state", () => {
    const seen: TransferProgress[] = [];
    const p = new ProgressReporter((s) => seen.push(s), { totalBytes: 100, totalFiles: 2 }, 60_000);
    p.add(10, "a.txt");
    assert.equal(seen.length, 1, "the first update is reported at once");
    assert.deepEqual(seen[0], { bytes: 10, files: 0, totalBytes: 100, totalFiles: 2, current: "a.txt" });
    p.add(5);
    p.add(7, "b.txt");
    p.fileDone();
    assert.equal(seen.length, 1, "updates within the interval are swallowed");
    p.emit();
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[1], { bytes: 22, files: 1, totalBytes: 100, totalFiles: 2, current: "b.txt" });
    // Listeners get snapshots, not the live state.
    p.add(1);
    assert.equal(seen[1]?.bytes, 22);
    assert.equal(p.state.bytes, 23);
  });

  it("reports again once the interval has passed", async () => {
    const seen: TransferProgress[] = [];
    const p = new ProgressReporter((s) => seen.push(s), {}, 15);
    p.add(1);
    p.add(1);
    assert.equal(seen.length, 1);
    await sleep(25);
    p.add(1);
    assert.equal(seen.length, 2);
    assert.equal(seen[1]?.bytes, 3);
  });

  it("fileDone counts files and tracks the current name; state accumulates without a listener", () => {
    const p = new ProgressReporter(undefined);
    assert.deepEqual(p.state, { bytes: 0, files: 0 });
    p.add(100, "x");
    p.fileDone("x");
    p.fileDone("y");
    p.add(50);
    p.emit();
    assert.deepEqual(p.state, { bytes: 150, files: 2, current: "y" });
  });

  it("an interval of 0 reports every update", () => {
    const seen: number[] = [];
    const p = new ProgressReporter((s) => seen.push(s.bytes), {}, 0);
    p.add(1);
    p.add(2);
    p.add(3);
    assert.deepEqual(seen, [1, 3, 6]);
  });
});

describe("walkFiles", () => {
  it("yields every regular file with a '/'-separated relative path, and no directories", async () => {
    const t = tempDir();
    try {
      mkdirSync(path.join(t.root, "sub", "deeper"), { recursive: true });
      mkdirSync(path.join(t.root, "empty"));
      writeFileSync(path.join(t.root, "top.txt"), "1");
      writeFileSync(path.join(t.root, "sub", "b.txt"), "2");
      writeFileSync(path.join(t.root, "sub", "deeper", "c.bin"), "3");
      const found: Array<[string, string]> = [];
      for await (const entry of walkFiles(t.root)) found.push(entry);
      const rels = found.map(([, rel]) => rel).sort();
      assert.deepEqual(rels, ["sub/b.txt", "sub/deeper/c.bin", "top.txt"]);
      for (const [abs, rel] of found) {
        assert.ok(path.isAbsolute(abs), abs);
        assert.equal(abs, path.join(t.root, ...rel.split("/")));
        assert.ok(!rel.includes("\\"));
      }
    } finally {
      t.dispose();
    }
  });

  it("an empty folder yields nothing; a missing one rejects", async () => {
    const t = tempDir();
    try {
      const found: string[] = [];
      for await (const [, rel] of walkFiles(t.root)) found.push(rel);
      assert.deepEqual(found, []);
      await assert.rejects(async () => {
        for await (const _ of walkFiles(path.join(t.root, "missing"))) void _;
      }, /ENOENT/);
    } finally {
      t.dispose();
    }
  });
});

describe("writeAtomically", () => {
  it("on success the target holds the content, the result is returned and no .part file remains", async () => {
    const t = tempDir();
    try {
      const target = path.join(t.root, "nested", "dir", "out.txt");
      let tempSeen = "";
      const result = await writeAtomically(target, async (handle, tempPath) => {
        tempSeen = tempPath;
        assert.equal(path.dirname(tempPath), path.dirname(target), "the temp file lives next to the target");
        assert.ok(tempPath.endsWith(".part"));
        assert.equal(existsSync(target), false, "the target appears only after the rename");
        await handle.write("hello ");
        await handle.write("world");
        return 42;
      });
      assert.equal(result, 42);
      assert.equal(readFileSync(target, "utf8"), "hello world");
      assert.equal(existsSync(tempSeen), false);
      assert.deepEqual(listTree(t.root), ["nested", "nested/dir", "nested/dir/out.txt"]);
    } finally {
      t.dispose();
    }
  });

  it("replaces an existing target on success", async () => {
    const t = tempDir();
    try {
      const target = path.join(t.root, "out.txt");
      writeFileSync(target, "old");
      await writeAtomically(target, async (handle) => {
        await handle.write("new");
      });
      assert.equal(readFileSync(target, "utf8"), "new");
      assert.deepEqual(listTree(t.root), ["out.txt"]);
    } finally {
      t.dispose();
    }
  });

  it("a throw inside the writer leaves no target and no .part, and rethrows", async () => {
    const t = tempDir();
    try {
      const target = path.join(t.root, "out.txt");
      const boom = new Error("download failed halfway");
      const error = await rejection(() =>
        writeAtomically(target, async (handle) => {
          await handle.write("partial");
          throw boom;
        }),
      );
      assert.equal(error, boom);
      assert.equal(existsSync(target), false);
      assert.deepEqual(listTree(t.root), []);
    } finally {
      t.dispose();
    }
  });

  it("a throw inside the writer leaves an existing target untouched", async () => {
    const t = tempDir();
    try {
      const target = path.join(t.root, "out.txt");
      writeFileSync(target, "the good old content");
      await assert.rejects(
        writeAtomically(target, async (handle) => {
          await handle.write("garbage");
          throw new Error("cancelled");
        }),
        /cancelled/,
      );
      assert.equal(readFileSync(target, "utf8"), "the good old content");
      assert.deepEqual(listTree(t.root), ["out.txt"]);
    } finally {
      t.dispose();
    }
  });
});
