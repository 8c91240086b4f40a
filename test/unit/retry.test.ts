// runWithPolicy / backoffDelay / createDeadline: transient errors retried for idempotent operations
// only, full-jitter backoff, total deadline, caller cancellation and time-outs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthError, CancelledError, ConnectorError, PermanentError, TimeoutError, TransientError } from "../../src/connectors/errors";
import { DEFAULT_RETRY, backoffDelay, createDeadline, runWithPolicy, sleep, type CallOptions, type RetryPolicy, type RunContext } from "../../src/connectors/retry";
import { rejection } from "./helpers";

const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4, deadlineMs: 5_000 };

function classify(error: unknown): ConnectorError {
  return error instanceof ConnectorError ? error : new PermanentError(String(error));
}

/** An operation failing with `errors` in turn, then returning "ok". */
function script(errors: Array<() => unknown>) {
  const attempts: RunContext[] = [];
  const fn = async (ctx: RunContext): Promise<string> => {
    attempts.push(ctx);
    const next = errors[attempts.length - 1];
    if (next) throw next();
    return "ok";
  };
  return { fn, attempts };
}

function run<T>(fn: (ctx: RunContext) => Promise<T>, opts: { idempotent: boolean; call?: CallOptions; policy?: RetryPolicy; random?: () => number; onRetry?: (e: ConnectorError, attempt: number, delay: number) => void }) {
  return runWithPolicy(fn, {
    policy: opts.policy ?? FAST,
    idempotent: opts.idempotent,
    call: opts.call,
    classify,
    connector: "test",
    operation: "op",
    random: opts.random ?? (() => 0),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  });
}

const transient = () => new TransientError("flaky");

/**
 * An operation that never settles by itself: it rejects with `error()` when its signal aborts.
 * It holds a ref'd timer meanwhile, as real I/O holds a socket (the deadline's own timer is unref'd).
 */
function hang(ctx: RunContext, error: () => unknown = () => new Error("aborted by signal")): Promise<never> {
  return new Promise((_, reject) => {
    const keepAlive = setTimeout(() => undefined, 10_000);
    ctx.signal.addEventListener("abort", () => {
      clearTimeout(keepAlive);
      reject(error());
    });
  });
}

describe("runWithPolicy: what is retried", () => {
  it("transient errors of an idempotent operation are retried until success", async () => {
    const { fn, attempts } = script([transient, transient]);
    const result = await run(fn, { idempotent: true });
    assert.deepEqual(result, { value: "ok", attempts: 3 });
    assert.deepEqual(
      attempts.map((a) => a.attempt),
      [1, 2, 3],
    );
  });

  it("gives up after policy.attempts attempts and throws the last transient error", async () => {
    let n = 0;
    const error = await rejection(() =>
      run(
        async () => {
          n++;
          throw new TransientError(`flaky #${n}`);
        },
        { idempotent: true },
      ),
    );
    assert.ok(error instanceof TransientError);
    assert.equal(n, FAST.attempts);
    assert.equal(error.message, `flaky #${FAST.attempts}`);
  });

  it("a non-idempotent operation is not retried", async () => {
    const { fn, attempts } = script([transient]);
    assert.ok((await rejection(() => run(fn, { idempotent: false }))) instanceof TransientError);
    assert.equal(attempts.length, 1);
  });

  it("a non-idempotent operation is retried when the call declares idempotent: true", async () => {
    const { fn, attempts } = script([transient]);
    assert.deepEqual(await run(fn, { idempotent: false, call: { idempotent: true } }), { value: "ok", attempts: 2 });
    assert.equal(attempts.length, 2);
  });

  it("a call can declare an idempotent operation non-idempotent", async () => {
    const { fn, attempts } = script([transient]);
    await rejection(() => run(fn, { idempotent: true, call: { idempotent: false } }));
    assert.equal(attempts.length, 1);
  });

  it("retry: false disables retries", async () => {
    const { fn, attempts } = script([transient]);
    assert.ok((await rejection(() => run(fn, { idempotent: true, call: { retry: false } }))) instanceof TransientError);
    assert.equal(attempts.length, 1);
  });

  it("a per-call retry policy overrides the profile's", async () => {
    const { fn, attempts } = script([transient, transient, transient, transient, transient]);
    assert.deepEqual(await run(fn, { idempotent: true, call: { retry: { attempts: 6 } } }), { value: "ok", attempts: 6 });
    assert.equal(attempts.length, 6);
    const two = script([transient, transient]);
    await rejection(() => run(two.fn, { idempotent: true, call: { retry: { attempts: 2 } } }));
    assert.equal(two.attempts.length, 2);
  });

  for (const [name, make] of [
    ["PermanentError", () => new PermanentError("no")],
    ["AuthError", () => new AuthError("no")],
    ["TimeoutError", () => new TimeoutError("no")],
    ["a raw error (classified permanent)", () => new Error("raw")],
  ] as const) {
    it(`${name} is never retried, even for idempotent operations`, async () => {
      const { fn, attempts } = script([make]);
      const error = await rejection(() => run(fn, { idempotent: true, call: { idempotent: true, retry: { attempts: 10 } } }));
      assert.ok(error instanceof ConnectorError);
      assert.equal(error.retryable, false);
      assert.equal(attempts.length, 1);
    });
  }

  it("raw errors go through classify", async () => {
    const seen: unknown[] = [];
    const raw = new Error("socket hang up");
    const error = await rejection(() =>
      runWithPolicy(
        async () => {
          throw raw;
        },
        {
          policy: FAST,
          idempotent: true,
          call: undefined,
          connector: "test",
          operation: "op",
          random: () => 0,
          classify: (e) => {
            seen.push(e);
            return new TransientError("classified", { cause: e });
          },
        },
      ),
    );
    assert.ok(error instanceof TransientError);
    assert.equal(seen.length, FAST.attempts);
    assert.equal(seen[0], raw);
  });

  it("onRetry sees each retry with the jittered delay", async () => {
    const retries: Array<[string, number, number]> = [];
    const { fn } = script([transient, transient]);
    const policy: RetryPolicy = { attempts: 3, baseDelayMs: 8, maxDelayMs: 100, deadlineMs: 0 };
    await run(fn, { idempotent: true, policy, random: () => 0.5, onRetry: (e, attempt, delay) => retries.push([e.message, attempt, delay]) });
    assert.deepEqual(retries, [
      ["flaky", 1, 4],
      ["flaky", 2, 8],
    ]);
  });
});

describe("backoffDelay: full jitter, capped exponential", () => {
  const policy: RetryPolicy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 2_000, deadlineMs: 0 };

  it("is random · min(maxDelay, base · 2^(n-1))", () => {
    assert.equal(backoffDelay(policy, 1, () => 0.5), 50);
    assert.equal(backoffDelay(policy, 2, () => 0.5), 100);
    assert.equal(backoffDelay(policy, 3, () => 0.5), 200);
    assert.equal(backoffDelay(policy, 5, () => 0.5), 800);
    assert.equal(backoffDelay(policy, 6, () => 0.5), 1_000, "capped: 3200 > 2000");
    assert.equal(backoffDelay(policy, 30, () => 0.5), 1_000);
    assert.equal(backoffDelay(policy, 1, () => 0), 0, "full jitter reaches zero");
  });

  it("stays within [0, ceiling] for any random value", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      for (const r of [0, 0.1, 0.5, 0.9, 0.999999]) {
        const d = backoffDelay(policy, attempt, () => r);
        assert.ok(d >= 0 && d <= ceiling, `attempt ${attempt}, r=${r}: ${d} > ${ceiling}`);
        assert.ok(Number.isInteger(d));
      }
      assert.ok(backoffDelay(policy, attempt, () => 0.999999) >= ceiling - 1, "the top of the range is reachable");
    }
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(policy, 4);
      assert.ok(d >= 0 && d <= 800, String(d));
    }
  });

  it("DEFAULT_RETRY matches the profile defaults", () => {
    assert.deepEqual(DEFAULT_RETRY, { attempts: 3, baseDelayMs: 100, maxDelayMs: 2_000, deadlineMs: 30_000 });
  });
});

describe("deadlines, time-outs and cancellation", () => {
  it("the total deadline stops retries", async () => {
    const policy: RetryPolicy = { attempts: 1_000, baseDelayMs: 10, maxDelayMs: 10, deadlineMs: 80 };
    let n = 0;
    const started = Date.now();
    const error = await rejection(() =>
      run(
        async () => {
          n++;
          throw new TransientError("flaky");
        },
        { idempotent: true, policy, random: () => 1 },
      ),
    );
    const elapsed = Date.now() - started;
    // Which error ends it depends on a race in runWithPolicy (deadline timer vs. the elapsed check):
    // a TimeoutError caused by the last failure, or that transient failure itself.
    assert.ok(error instanceof TimeoutError || error instanceof TransientError, String(error));
    if (error instanceof TimeoutError) assert.ok(error.cause instanceof TransientError, "the last transient failure is the cause");
    assert.ok(n > 1 && n < 20, `attempts: ${n}`);
    assert.ok(elapsed >= 60 && elapsed < 400, `elapsed ${elapsed} ms`);
  });

  it("timeoutMs bounds the call: a hanging operation ends in TimeoutError, with the signal aborted", async () => {
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const error = await rejection(() =>
      run(
        (ctx) => {
          seen = ctx.signal;
          return hang(ctx);
        },
        { idempotent: true, call: { timeoutMs: 40 } },
      ),
    );
    assert.ok(error instanceof TimeoutError, String(error));
    assert.equal(error.connector, "test");
    assert.equal(error.operation, "op");
    assert.ok(seen?.aborted);
    assert.ok(Date.now() - started < 300);
  });

  it("timeoutMs applies to non-idempotent calls too", async () => {
    const error = await rejection(() => run((ctx) => hang(ctx), { idempotent: false, call: { timeoutMs: 20 } }));
    assert.ok(error instanceof TimeoutError);
  });

  it("the caller's abort during a backoff sleep ends the call promptly with CancelledError", async () => {
    const controller = new AbortController();
    const policy: RetryPolicy = { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000, deadlineMs: 0 };
    let n = 0;
    const pending = rejection(() =>
      run(
        async () => {
          n++;
          throw new TransientError("flaky");
        },
        { idempotent: true, policy, random: () => 1, call: { signal: controller.signal } },
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
    const abortedAt = Date.now();
    controller.abort();
    const error = await pending;
    const took = Date.now() - abortedAt;
    assert.ok(error instanceof CancelledError, String(error));
    assert.equal(error.retryable, false);
    assert.ok(took < 100, `took ${took} ms after abort`);
    assert.equal(n, 1);
    assert.ok(error.cause instanceof TransientError, "the pending failure is kept as the cause");
  });

  it("the caller's abort during an attempt ends it with CancelledError, not retried", async () => {
    const controller = new AbortController();
    let n = 0;
    const pending = rejection(() =>
      run(
        (ctx) => {
          n++;
          return hang(ctx, () => new TransientError("socket closed"));
        },
        { idempotent: true, call: { signal: controller.signal } },
      ),
    );
    setTimeout(() => controller.abort(), 10);
    const error = await pending;
    assert.ok(error instanceof CancelledError, String(error));
    assert.equal(n, 1);
  });

  it("an already aborted signal fails before the first attempt", async () => {
    const { fn, attempts } = script([]);
    const error = await rejection(() => run(fn, { idempotent: true, call: { signal: AbortSignal.abort() } }));
    assert.ok(error instanceof CancelledError);
    assert.equal(attempts.length, 0);
  });

  it("createDeadline reports why it fired and how much time is left", async () => {
    const none = createDeadline(undefined, undefined);
    assert.equal(none.remainingMs(), Number.POSITIVE_INFINITY);
    assert.equal(none.reason(), undefined);
    assert.equal(none.signal.aborted, false);
    none.dispose();

    const timed = createDeadline(30, undefined);
    assert.ok(timed.remainingMs() <= 30 && timed.remainingMs() > 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(timed.signal.aborted, true);
    assert.equal(timed.reason(), "timeout");
    assert.equal(timed.remainingMs(), 0);
    timed.dispose();

    const controller = new AbortController();
    const cancelled = createDeadline(10_000, controller.signal);
    controller.abort(new Error("user"));
    assert.equal(cancelled.signal.aborted, true);
    assert.equal(cancelled.reason(), "cancelled");
    cancelled.dispose();

    const disposed = createDeadline(20, undefined);
    disposed.dispose();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(disposed.signal.aborted, false, "dispose clears the timer");
  });

  it("sleep resolves after its delay and rejects at once on abort", async () => {
    const t0 = Date.now();
    await sleep(15);
    assert.ok(Date.now() - t0 >= 10);
    const controller = new AbortController();
    const p = sleep(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await assert.rejects(p, /stop/);
  });
});
