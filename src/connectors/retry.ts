// Retries, deadlines and cancellation for every I/O method.
// Only errors classified transient are retried, and only for operations that are idempotent.
import { CancelledError, type ConnectorError, TimeoutError } from "./errors";

export interface RetryPolicy {
  /** Total attempts, including the first. 1 disables retries. */
  attempts: number;
  /** First backoff; each further one doubles, capped by maxDelayMs, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Upper bound for all attempts together (ms). 0 means none. */
  deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2_000, deadlineMs: 30_000 };

/** Options every I/O method accepts. */
export interface CallOptions {
  /** Client-side deadline for this call (all attempts). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Override the profile's retry policy, or `false` to never retry this call. */
  retry?: Partial<RetryPolicy> | false;
  /** Declare a non-idempotent-by-default call (e.g. an INSERT) safe to retry. */
  idempotent?: boolean;
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface Deadline {
  /** Aborted when the caller aborts or the deadline passes. */
  readonly signal: AbortSignal;
  /** Why `signal` aborted: the caller's abort or our time-out. */
  reason(): "cancelled" | "timeout" | undefined;
  remainingMs(): number;
  dispose(): void;
}

/** Combine a caller's AbortSignal with a time-out into one signal that says why it fired. */
export function createDeadline(timeoutMs: number | undefined, signal: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let why: "cancelled" | "timeout" | undefined;
  const start = Date.now();
  const onAbort = (): void => {
    if (!why) why = "cancelled";
    controller.abort(signal?.reason);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined && timeoutMs > 0 && !why) {
    timer = setTimeout(() => {
      if (!why) why = "timeout";
      controller.abort(new Error("deadline exceeded"));
    }, timeoutMs);
    timer.unref?.();
  }
  return {
    signal: controller.signal,
    reason: () => why,
    remainingMs: () => (timeoutMs && timeoutMs > 0 ? Math.max(0, timeoutMs - (Date.now() - start)) : Number.POSITIVE_INFINITY),
    dispose: () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RunContext {
  attempt: number;
  /** Aborts on the caller's signal or the call's deadline; operations must honour it. */
  signal: AbortSignal;
  deadline: Deadline;
}

export interface RunOptions {
  policy: RetryPolicy;
  idempotent: boolean;
  call: CallOptions | undefined;
  /** Turns any thrown value into a classified ConnectorError. */
  classify: (error: unknown, ctx: RunContext) => ConnectorError;
  connector: string;
  operation: string;
  onRetry?: (error: ConnectorError, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/**
 * Run `fn` under the call's deadline and signal, retrying transient failures of idempotent operations.
 * Returns the result and the number of attempts made.
 */
export async function runWithPolicy<T>(fn: (ctx: RunContext) => Promise<T>, options: RunOptions): Promise<{ value: T; attempts: number }> {
  const call = options.call ?? {};
  const policy: RetryPolicy = call.retry === false ? { ...options.policy, attempts: 1 } : { ...options.policy, ...(call.retry ?? {}) };
  const retryAllowed = (call.idempotent ?? options.idempotent) && policy.attempts > 1;
  const totalMs = call.timeoutMs ?? (policy.deadlineMs > 0 && retryAllowed ? policy.deadlineMs : undefined);
  const deadline = createDeadline(totalMs, call.signal);
  const started = Date.now();
  try {
    for (let attempt = 1; ; attempt++) {
      const ctx: RunContext = { attempt, signal: deadline.signal, deadline };
      if (deadline.signal.aborted) throw abortedError(deadline, options, undefined);
      try {
        return { value: await fn(ctx), attempts: attempt };
      } catch (raw) {
        // Once our signal fired, whatever the operation threw is a consequence: report why it fired.
        const error = deadline.reason() !== undefined ? abortedError(deadline, options, raw) : options.classify(raw, ctx);
        const elapsed = Date.now() - started;
        const canRetry =
          retryAllowed &&
          error.retryable &&
          attempt < policy.attempts &&
          !deadline.signal.aborted &&
          (policy.deadlineMs <= 0 || elapsed < policy.deadlineMs);
        if (!canRetry) throw error;
        const delay = backoffDelay(policy, attempt, options.random);
        // The retry budget (not a caller's timeoutMs) would run out while waiting: give up now with
        // the error itself, which says more than "deadline exceeded".
        if (call.timeoutMs === undefined && delay >= deadline.remainingMs()) throw error;
        options.onRetry?.(error, attempt, delay);
        try {
          await sleep(Math.min(delay, deadline.remainingMs()), deadline.signal);
        } catch {
          throw deadline.reason() === "timeout" && call.timeoutMs === undefined ? error : abortedError(deadline, options, error);
        }
      }
    }
  } finally {
    deadline.dispose();
  }
}

export function abortedError(deadline: Deadline, options: Pick<RunOptions, "connector" | "operation">, cause: unknown): ConnectorError {
  if ((cause instanceof TimeoutError && deadline.reason() === "timeout") || (cause instanceof CancelledError && deadline.reason() === "cancelled")) return cause;
  const base = { connector: options.connector, operation: options.operation, cause };
  return deadline.reason() === "timeout"
    ? new TimeoutError(`${options.connector}.${options.operation} exceeded its deadline`, base)
    : new CancelledError(`${options.connector}.${options.operation} was cancelled`, base);
}
