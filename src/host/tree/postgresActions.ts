// What the PostgreSQL nodes do: SELECT TOP in a new SQL editor, copy quoted names, CSV export and import
// through COPY (streamed: bounded memory whatever the table size).
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as vscode from "vscode";
import type { ExecuteResult } from "../../connectors/postgres/statements";
import { runTransfer, type TransferOutcome } from "../transfers";
import { formatBytes, plural } from "./format";
import type { PgColumnNode } from "./pgColumnNode";
import type { PgRelationNode } from "./pgRelationNode";
import type { PgSchemaNode } from "./pgSchemaNode";
import type { TreeContext } from "./treeNode";

/** `SELECT * FROM "schema"."table" LIMIT 1000;` */
export function selectTopSql(relation: PgRelationNode, limit = 1000): string {
  return `SELECT * FROM ${relation.qualifiedName()} LIMIT ${limit};`;
}

export class PostgresActions {
  constructor(private readonly ctx: TreeContext) {}

  private get log(): vscode.LogOutputChannel {
    return this.ctx.connections.log;
  }

  async selectTop(relation: PgRelationNode): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument({ language: "sql", content: `${selectTopSql(relation)}\n` });
    return vscode.window.showTextDocument(document);
  }

  async copyName(nodes: Array<PgSchemaNode | PgRelationNode | PgColumnNode>): Promise<void> {
    const text = nodes.map((n) => n.qualifiedName()).join(", ");
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied ${text}`, 4000);
  }

  private defaultFolder(): vscode.Uri {
    return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  }

  async exportCsv(relation: PgRelationNode, target?: string): Promise<TransferOutcome<ExecuteResult & { bytes: number }> | undefined> {
    const file =
      target ??
      (
        await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(this.defaultFolder(), `${relation.name}.csv`),
          filters: { CSV: ["csv"], "All files": ["*"] },
          title: `Export ${relation.qualifiedName()} to CSV`,
          saveLabel: "Export",
        })
      )?.fsPath;
    if (!file) return undefined;
    return runTransfer(
      `Exporting ${relation.qualifiedName()} to ${path.basename(file)}`,
      [
        {
          label: relation.name,
          run: async (signal, onProgress) => {
            const client = await this.ctx.connections.client("postgres", relation.profile);
            // Written next to the target and renamed into place: a failed or cancelled export leaves no partial CSV.
            const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString("hex")}.part`);
            const sink = createWriteStream(temp);
            const timer = setInterval(() => onProgress({ bytes: sink.bytesWritten, message: `${formatBytes(sink.bytesWritten)} written` }), 250);
            try {
              const result = await client.copyTo({ schema: relation.schema, name: relation.name }, sink, { format: "csv", header: true, signal });
              await rename(temp, file);
              return result;
            } catch (error) {
              sink.destroy();
              await rm(temp, { force: true });
              throw error;
            } finally {
              clearInterval(timer);
            }
          },
        },
      ],
      {
        log: this.log,
        doneMessage: ([result]) => (result ? `Exported ${plural(result.rowCount, "row")} (${formatBytes(result.bytes)}) of ${relation.qualifiedName()} to ${file}` : undefined),
      },
    );
  }

  async importCsv(relation: PgRelationNode, source?: string, confirm?: (message: string, detail: string) => Promise<boolean>): Promise<TransferOutcome<ExecuteResult> | undefined> {
    const file =
      source ??
      (
        await vscode.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: false,
          canSelectMany: false,
          defaultUri: this.defaultFolder(),
          filters: { CSV: ["csv"], "All files": ["*"] },
          title: `Import CSV into ${relation.qualifiedName()}`,
          openLabel: "Import",
        })
      )?.[0]?.fsPath;
    if (!file) return undefined;
    const csv = file;
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return undefined;
    }
    const message = `Import ${path.basename(file)} (${formatBytes(size)}) into ${relation.qualifiedName()} (postgres.${relation.profile})?`;
    const detail =
      "The first line must name the columns (CSV with a header). Rows are appended in one COPY: if any row is rejected, or you cancel, no row is added.";
    const ok = confirm ? await confirm(message, detail) : (await vscode.window.showWarningMessage(message, { modal: true, detail }, "Import")) === "Import";
    if (!ok) return undefined;
    return runTransfer(
      `Importing ${path.basename(file)} into ${relation.qualifiedName()}`,
      [
        {
          label: path.basename(file),
          run: async (signal, onProgress) => {
            const client = await this.ctx.connections.client("postgres", relation.profile);
            // Counted as COPY pulls it (a "data" listener on the file stream would start it flowing early).
            async function* counted(): AsyncGenerator<Buffer> {
              let read = 0;
              for await (const chunk of createReadStream(csv)) {
                read += (chunk as Buffer).length;
                onProgress({ bytes: read, totalBytes: size });
                yield chunk as Buffer;
              }
            }
            return client.copyFrom({ schema: relation.schema, name: relation.name }, counted(), { format: "csv", header: true, signal });
          },
        },
      ],
      {
        log: this.log,
        cancelledMessage: () => "cancelled — no rows were added.",
        doneMessage: ([result]) => (result ? `Imported ${plural(result.rowCount, "row")} into ${relation.qualifiedName()}` : undefined),
      },
    );
  }
}
