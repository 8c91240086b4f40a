// Every transfer (downloads, uploads, deletes, CSV export/import) runs here: a cancellable notification
// reporting bytes and files, an AbortSignal for the connector linked to the Cancel button, and one way of
// telling the outcome. The connectors write downloads through temp files and abort multipart uploads, so a
// cancelled transfer leaves nothing half-written.
import * as vscode from "vscode";
import { ConnectorError } from "../connectors/errors";
import type { TransferProgress } from "../connectors/transfer";
import { errorMessage, overallPercent, progressFraction, progressMessage } from "./tree/format";

export type ProgressUpdate = Partial<TransferProgress> & { message?: string };

/** One step of a transfer: gets the signal to pass on and a progress callback (connector-shaped). */
export interface TransferStep<T = unknown> {
  /** What this step moves, e.g. "logs/2024-01.csv"; shown next to the progress when there are several. */
  label: string;
  run(signal: AbortSignal, onProgress: (progress: ProgressUpdate) => void): Promise<T>;
}

export type TransferOutcome<T> = { status: "done"; values: T[] } | { status: "cancelled"; values: T[] } | { status: "failed"; error: unknown; values: T[] };

export interface TransferOptions<T = unknown> {
  /** Where failures are logged (the "Show Log" action opens it). */
  log?: vscode.LogOutputChannel;
  /** Shown on cancellation instead of "Cancelled — nothing half-written" (deletions say what is gone). */
  cancelledMessage?: () => string;
  /** Shown as an information message when every step succeeded. */
  doneMessage?: (values: T[]) => string | undefined;
}

export const CANCELLED_MESSAGE = "Cancelled — nothing half-written";

export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (error instanceof ConnectorError) return error.kind === "cancelled";
  return error instanceof Error && (error.name === "AbortError" || error.name === "CancelledError");
}

/**
 * Runs `steps` one after another in a cancellable progress notification titled `title`. Never rejects:
 * failures are shown (with "Show Log") and logged; cancellation shows "Cancelled — nothing half-written".
 */
export async function runTransfer<T>(title: string, steps: ReadonlyArray<TransferStep<T>>, options: TransferOptions<T> = {}): Promise<TransferOutcome<T>> {
  const values: T[] = [];
  const controller = new AbortController();
  let outcome: TransferOutcome<T>;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true, title }, async (progress, token) => {
      const subscription = token.onCancellationRequested(() => controller.abort(new Error("cancelled by the user")));
      let reported = 0;
      try {
        for (const [index, step] of steps.entries()) {
          if (controller.signal.aborted) break;
          const prefix = steps.length > 1 ? `${step.label} (${index + 1} of ${steps.length}) · ` : "";
          progress.report({ message: prefix.replace(/ · $/, "") });
          const onProgress = (p: ProgressUpdate): void => {
            const full = { bytes: p.bytes ?? 0, files: p.files ?? 0, ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}), ...(p.totalFiles !== undefined ? { totalFiles: p.totalFiles } : {}) };
            const percent = overallPercent(index, steps.length, progressFraction(full));
            const increment = percent > reported ? percent - reported : undefined;
            if (increment !== undefined) reported = percent;
            progress.report({ message: `${prefix}${p.message ?? progressMessage(full)}`, ...(increment !== undefined ? { increment } : {}) });
          };
          values.push(await step.run(controller.signal, onProgress));
        }
      } finally {
        subscription.dispose();
      }
    });
    outcome = controller.signal.aborted ? { status: "cancelled", values } : { status: "done", values };
  } catch (error) {
    outcome = isCancellation(error, controller.signal) ? { status: "cancelled", values } : { status: "failed", error, values };
  }
  report(title, outcome, options);
  return outcome;
}

function report<T>(title: string, outcome: TransferOutcome<T>, options: TransferOptions<T>): void {
  if (outcome.status === "cancelled") {
    const text = options.cancelledMessage?.() ?? CANCELLED_MESSAGE;
    options.log?.info(`${title}: cancelled`);
    void vscode.window.showInformationMessage(`${title}: ${text}`);
  } else if (outcome.status === "failed") {
    showError(`${title} failed`, outcome.error, options.log);
  } else {
    const text = options.doneMessage?.(outcome.values);
    if (text) {
      options.log?.info(text);
      void vscode.window.showInformationMessage(text);
    }
  }
}

/** `showErrorMessage` with the classified message and a "Show Log" action; also logged. */
export function showError(what: string, error: unknown, log?: vscode.LogOutputChannel): void {
  const message = errorMessage(error);
  log?.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`${what}: ${message}`, "Show Log").then((choice) => {
    if (choice === "Show Log") void vscode.commands.executeCommand("autoWorkflow.showLog");
  });
}
