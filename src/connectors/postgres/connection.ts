// One checked-out connection: runs statements under an AbortSignal (cancelling the backend query
// when it fires) and decides at release whether the connection may go back to the pool.
import type { PoolClient } from "pg";
import { ConnectorError } from "../errors";
import { sendCancelRequest, type BackendKey } from "./cancel";
import { isConnectionBroken } from "./errors";
import { quoteIdent } from "./sql";

/** After a cancel request, how long to wait for the server to stop the statement before dropping the connection. */
const CANCEL_GRACE_MS = 1_500;

export class PgConnection {
  /** A cancel request was sent: the connection may still receive it, so it is not reused. */
  private cancelSent = false;
  private broken = false;
  private released = false;

  constructor(
    readonly client: PoolClient,
    private readonly host: string,
    private readonly port: number,
  ) {
    client.on("error", this.markBroken);
    client.once("end", this.markEnded);
  }

  /** Resolves when the connection ends (server gone, destroyed); never rejects. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.resolveEnded = resolve;
  });
  private resolveEnded: (() => void) | undefined;
  private readonly markEnded = (): void => {
    this.broken = true;
    this.resolveEnded?.();
  };

  get isEnded(): boolean {
    const state = this.client as unknown as { _ended?: boolean; _queryable?: boolean };
    return state._ended === true || state._queryable === false;
  }

  private readonly markBroken = (): void => {
    this.broken = true;
  };

  /** Run `fn` (which talks to this connection); if `signal` fires, cancel the backend's statement. */
  async guarded<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    if (!signal) return fn();
    if (signal.aborted) throw signal.reason;
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      this.cancel();
      grace = setTimeout(() => this.destroy(), CANCEL_GRACE_MS);
      grace.unref?.();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (grace) clearTimeout(grace);
    }
  }

  cancel(): void {
    const key = this.client as unknown as Partial<BackendKey>;
    if (typeof key.processID !== "number" || typeof key.secretKey !== "number") return;
    this.cancelSent = true;
    void sendCancelRequest(this.host, this.port, { processID: key.processID, secretKey: key.secretKey });
  }

  /** Drop the connection; the statement in flight fails with a connection error. */
  destroy(): void {
    this.broken = true;
    void this.client.end().catch(() => undefined);
  }

  /**
   * Free a named prepared statement, in the server and in pg's cache of parsed statements, so pooled
   * connections stay clean. Inside a failed transaction DEALLOCATE itself fails: the connection is
   * then dropped at release instead.
   */
  async deallocate(name: string): Promise<void> {
    const cache = (this.client as unknown as { connection?: { parsedStatements?: Record<string, unknown> } }).connection?.parsedStatements;
    try {
      await this.client.query(`DEALLOCATE ${quoteIdent(name)}`);
      if (cache) delete cache[name];
    } catch {
      this.broken = true;
    }
  }

  get processID(): number | undefined {
    return (this.client as unknown as Partial<BackendKey>).processID;
  }

  release(error?: unknown): void {
    if (this.released) return;
    this.released = true;
    this.client.off("error", this.markBroken);
    this.client.off("end", this.markEnded);
    const drop = this.broken || this.cancelSent || (error instanceof ConnectorError && isConnectionBroken(error));
    this.client.release(drop ? true : undefined);
  }
}
