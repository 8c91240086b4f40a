// A connection profile (postgres.warehouse, s3.lake, …): its origin layer as description, endpoint and
// identity hints in the tooltip; the kind-specific subclasses list what is inside.
import * as vscode from "vscode";
import type { ResolvedConfigView } from "../../connectors/index";
import type { Kind } from "../connections";
import { CachedNode } from "./cachedNode";
import { errorMessage, originLabels, originLayers, profileHints } from "./format";
import type { TreeContext, TreeNode } from "./treeNode";

export const KIND_LABELS: Record<Kind, string> = { postgres: "PostgreSQL", s3: "Amazon S3", adls2: "Azure Data Lake Gen2" };

const KIND_ICONS: Record<Kind, string> = { postgres: "database", s3: "cloud", adls2: "azure" };

export abstract class ProfileNode extends CachedNode {
  readonly id: string;
  private config: Promise<{ view?: ResolvedConfigView; error?: unknown }> | undefined;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly kind: Kind,
    readonly profile: string,
  ) {
    super(parent, ctx);
    this.id = `profile/${kind}/${encodeURIComponent(profile)}`;
  }

  /** The profile's resolved, secret-free configuration (cached until a refresh). */
  resolved(): Promise<{ view?: ResolvedConfigView; error?: unknown }> {
    this.config ??= this.ctx.connections.resolveConfig(this.kind, this.profile).then(
      (view) => ({ view }),
      (error: unknown) => ({ error }),
    );
    return this.config;
  }

  /** Text of the description, e.g. "user settings" or "workspace settings, environment". */
  async describe(): Promise<string> {
    const { view, error } = await this.resolved();
    if (error !== undefined || !view) return "configuration error";
    return originLabels(view.origins).join(", ") || "defaults";
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    const { view, error } = await this.resolved();
    const item = this.collapsed(this.profile);
    item.contextValue = `profile.${this.kind}`;
    item.iconPath = new vscode.ThemeIcon(KIND_ICONS[this.kind]);
    item.description = await this.describe();
    // Screen readers hear the backend too, which the icon alone tells sighted users.
    item.accessibilityInformation = { label: `${KIND_LABELS[this.kind]} profile ${this.profile}, from ${item.description}` };
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${KIND_LABELS[this.kind]}** · profile \`${this.kind}.${this.profile}\`\n\n`);
    if (view) {
      for (const [label, value] of profileHints(this.kind, view.values)) tip.appendMarkdown(`${label}: \`${value.replace(/`/g, "'")}\`  \n`);
      tip.appendMarkdown(`Driver: \`${view.driver}\`  \n`);
      const layers = originLayers(view.origins);
      if (layers.length) tip.appendMarkdown(`From: ${layers.join(", ")}  \n`);
      for (const warning of view.warnings) tip.appendMarkdown(`\n$(warning) ${escapeMarkdown(warning)}  \n`);
    } else {
      tip.appendMarkdown(`$(error) ${escapeMarkdown(errorMessage(error))}`);
    }
    item.tooltip = tip;
    return item;
  }

  /** The profile's configured values (empty when the configuration does not resolve). */
  protected async values(): Promise<Record<string, unknown>> {
    const { view } = await this.resolved();
    return view?.values ?? {};
  }

  override reset(): void {
    super.reset();
    this.config = undefined;
  }
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}
