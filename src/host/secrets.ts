// SecretStorage behind `secret://<scope>/<key>` references (any scope but `env`).
import type * as vscode from "vscode";
import type { SecretReference } from "../connectors/index";

/** The key a reference is stored under in SecretStorage. */
export function storageKey(scope: string, key: string): string {
  return `secret://${scope}/${key}`;
}

export class SecretStore {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** The registry's resolver for non-env references. */
  readonly resolve = async (ref: SecretReference): Promise<string | undefined> => this.storage.get(storageKey(ref.scope, ref.key));

  async set(scope: string, key: string, value: string): Promise<string> {
    await this.storage.store(storageKey(scope, key), value);
    return storageKey(scope, key);
  }

  async has(scope: string, key: string): Promise<boolean> {
    return (await this.storage.get(storageKey(scope, key))) !== undefined;
  }

  async delete(scope: string, key: string): Promise<void> {
    await this.storage.delete(storageKey(scope, key));
  }

  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    return this.storage.onDidChange;
  }
}

/** Secret scope for a profile's own secrets: `<name>.<profile>` (e.g. secret://postgres.warehouse/password). */
export function profileScope(name: string, profile: string): string {
  return `${name}.${profile}`.replace(/[^A-Za-z0-9_.-]/g, "_");
}
