// The status bar item that shows (and lets one change) the Postgres profile bound to the active SQL editor.
import * as vscode from "vscode";
import type { Connections } from "./connections";
import { pickProfile } from "./commands/pickProfile";

const STATE_KEY = "autoWorkflow.sqlProfiles";

export class SqlProfileBinding implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("autoWorkflow.sqlProfile", vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly connections: Connections,
  ) {
    this.item.name = "Auto Workflow: SQL Connection";
    this.item.command = "autoWorkflow.selectSqlProfile";
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration("autoWorkflow.sql.defaultProfile") && this.update()),
      vscode.commands.registerCommand("autoWorkflow.selectSqlProfile", () => this.select()),
    );
    this.update();
  }

  /** The profile bound to a document: its own binding, else the default setting. */
  profileFor(document: vscode.TextDocument): string | undefined {
    const bound = this.state.get<Record<string, string>>(STATE_KEY, {})[document.uri.toString()];
    return bound ?? (vscode.workspace.getConfiguration("autoWorkflow.sql").get<string>("defaultProfile") || undefined);
  }

  async bind(document: vscode.TextDocument, profile: string | undefined): Promise<void> {
    const all = { ...this.state.get<Record<string, string>>(STATE_KEY, {}) };
    if (profile) all[document.uri.toString()] = profile;
    else delete all[document.uri.toString()];
    await this.state.update(STATE_KEY, all);
    this.update();
  }

  private async select(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    const ref = await pickProfile(this.connections, "Run this editor's SQL on which Postgres profile?", ["postgres"]);
    if (ref) await this.bind(editor.document, ref.profile);
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== "sql") {
      this.item.hide();
      return;
    }
    const profile = this.profileFor(editor.document);
    this.item.text = `$(database) ${profile ? `postgres.${profile}` : "No connection"}`;
    this.item.tooltip = profile ? `SQL in this editor runs on postgres.${profile}. Click to change.` : "Click to choose the Postgres profile for this editor.";
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
