// The registry owns client instances: one per name + profile + effective configuration.
// A client whose configuration changed (settings, env, secrets) is replaced on the next `get`;
// a closed client is evicted. There is no global state besides `defaultRegistry()`.
import { ConfigError } from "./errors";
import { keyToken } from "./config/schema";
import { envProfiles, readPyproject, type ConfigSource, type PyprojectConnectors } from "./config/layers";
import { collectLayers, pickDriver, resolveConfig, type ResolvedConfig, type ResolvedConfigView } from "./config/resolver";
import type { SecretResolver } from "./config/secrets";
import { EventHub, type EventListener, type TelemetryOptions } from "./observability";
import { Redactor } from "./redact";
import type { Connector, DriverContext, DriverDefinition } from "./types";

/** Maps connector names to client types; backends extend it by declaration merging. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConnectorTypes {}

export interface RegistryOptions {
  /** Environment for `AUTO_WORKFLOW_CONNECTORS_*` and `secret://env/…`; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Resolves `secret://<scope>/<key>` for scopes other than env (VS Code: SecretStorage). */
  secrets?: SecretResolver;
  /** Layers between pyproject.toml and env, lowest first (VS Code: user, workspace, folder settings). */
  sources?: readonly ConfigSource[];
  /** Folder whose `pyproject.toml` is read; none when undefined. */
  workspaceRoot?: string;
  /** Drivers to register instead of the built-in ones (the built-ins are added by `createRegistry`). */
  drivers?: readonly DriverDefinition[];
  telemetry?: TelemetryOptions;
  /** Receives every structured event (already redacted). */
  onEvent?: EventListener;
}

export interface GetOptions {
  /** `false` returns a fresh client that the registry neither caches nor closes. */
  reuse?: boolean;
}

interface Entry {
  client: Connector;
  hash: string;
  overrides: Record<string, unknown> | undefined;
}

export interface ClientInfo {
  name: string;
  profile: string;
  driver: string;
  closed: boolean;
}

export class Registry {
  private readonly drivers = new Map<string, Map<string, DriverDefinition>>();
  private readonly defaultDrivers = new Map<string, string>();
  private readonly clients = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Connector>>();
  private pyproject: Promise<PyprojectConnectors | undefined> | undefined;
  readonly events = new EventHub();

  constructor(private readonly options: RegistryOptions = {}) {
    for (const def of options.drivers ?? []) this.register(def.kind, def.driver, def);
    if (options.onEvent) this.events.on(options.onEvent);
  }

  /** Add a driver for a kind. The first driver registered for a kind is its default. */
  register<C, T extends Connector>(kind: string, driver: string, definition: DriverDefinition<C, T>): void {
    if (definition.kind !== kind || definition.driver !== driver) {
      throw new ConfigError(`driver definition ${definition.kind}/${definition.driver} registered as ${kind}/${driver}`, { operation: "register" });
    }
    let byDriver = this.drivers.get(kind);
    if (!byDriver) this.drivers.set(kind, (byDriver = new Map()));
    byDriver.set(driver, definition as unknown as DriverDefinition);
    if (!this.defaultDrivers.has(kind)) this.defaultDrivers.set(kind, driver);
  }

  /** Registered kinds and their drivers. */
  kinds(): Array<{ kind: string; drivers: string[]; defaultDriver: string }> {
    return [...this.drivers.entries()].map(([kind, byDriver]) => ({ kind, drivers: [...byDriver.keys()], defaultDriver: this.defaultDrivers.get(kind)! }));
  }

  definition(kind: string, driver?: string): DriverDefinition {
    const byDriver = this.drivers.get(kind);
    if (!byDriver) {
      throw new ConfigError(`unknown connector "${kind}"; known: ${[...this.drivers.keys()].join(", ") || "none"}`, { connector: kind, operation: "config" });
    }
    const chosen = driver ?? this.defaultDrivers.get(kind)!;
    const def = byDriver.get(chosen);
    if (!def) {
      throw new ConfigError(`unknown driver "${chosen}" for ${kind}; known: ${[...byDriver.keys()].join(", ")}`, { connector: kind, operation: "config", key: "driver" });
    }
    return def;
  }

  /** Clients currently cached. */
  list(): ClientInfo[] {
    return [...this.clients.values()].map(({ client }) => ({ name: client.name, profile: client.profile, driver: client.driver, closed: client.isClosed() }));
  }

  /** Profiles defined by any layer (pyproject, sources, env), for every registered kind. */
  async profiles(): Promise<Array<{ name: string; profile: string }>> {
    // Env variables cannot spell `my-db`; the same profile from env reads `my_db`. Keep the first spelling.
    const found = new Map<string, { name: string; profile: string }>();
    const add = (name: string, profile: string): void => {
      const key = `${name}/${keyToken(profile)}`;
      if (this.drivers.has(name) && !found.has(key)) found.set(key, { name, profile });
    };
    const py = await this.loadPyproject();
    for (const [name, profiles] of Object.entries(py?.connectors ?? {})) for (const profile of Object.keys(profiles)) add(name, profile);
    for (const source of this.options.sources ?? []) for (const p of source.profiles?.() ?? []) add(p.name, p.profile);
    for (const p of envProfiles(this.env, [...this.drivers.keys()])) add(p.name, p.profile);
    return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.profile.localeCompare(b.profile));
  }

  private get env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  private loadPyproject(): Promise<PyprojectConnectors | undefined> {
    if (!this.options.workspaceRoot) return Promise.resolve(undefined);
    this.pyproject ??= readPyproject(this.options.workspaceRoot).catch((error: unknown) => {
      this.pyproject = undefined;
      throw error;
    });
    return this.pyproject;
  }

  /** Forget cached file layers (pyproject.toml changed). Clients are re-checked on their next `get`. */
  invalidate(): void {
    this.pyproject = undefined;
  }

  private async resolve(name: string, profile: string, overrides?: Record<string, unknown>): Promise<{ def: DriverDefinition; resolved: ResolvedConfig }> {
    const kindDef = this.definition(name);
    const common = {
      name,
      profile,
      env: this.env,
      pyproject: await this.loadPyproject(),
      sources: this.options.sources ?? [],
      overrides,
      secrets: this.options.secrets,
    };
    const driver = pickDriver(collectLayers(common), kindDef.driver);
    const def = this.definition(name, driver);
    const resolved = await resolveConfig<Record<string, unknown>>({ ...common, fields: def.fields, driver });
    return { def, resolved };
  }

  /** The merged configuration of a profile with the origin of every key; secrets masked. */
  async resolveConfig(name: string, profile = "default", overrides?: Record<string, unknown>): Promise<ResolvedConfigView> {
    const { resolved } = await this.resolve(name, profile, overrides);
    const { name: n, profile: p, driver, values, origins, warnings } = resolved;
    return { name: n, profile: p, driver, values, origins, warnings };
  }

  /** A client for `name`/`profile`, shared while its effective configuration stays the same. */
  get<K extends keyof ConnectorTypes & string>(name: K, profile?: string, overrides?: Record<string, unknown>, options?: GetOptions): Promise<ConnectorTypes[K]>;
  get(name: string, profile?: string, overrides?: Record<string, unknown>, options?: GetOptions): Promise<Connector>;
  async get(name: string, profile = "default", overrides?: Record<string, unknown>, options: GetOptions = {}): Promise<Connector> {
    const { def, resolved } = await this.resolve(name, profile, overrides);
    for (const warning of resolved.warnings) this.events.emit({ level: "warn", event: "config.warning", connector: name, profile, attributes: { warning } });
    if (options.reuse === false) return await this.create(def, resolved);

    // A slot is one name + profile + set of overrides; within a slot, a new configuration hash means
    // settings, env or secrets changed underneath, and the old client is replaced.
    const slot = `${name}\u0000${profile}\u0000${overrides && Object.keys(overrides).length ? stableJson(overrides) : ""}\u0000`;
    const key = `${slot}${resolved.hash}`;
    const cached = this.clients.get(key);
    if (cached && !cached.client.isClosed()) return cached.client;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;

    const creating = (async () => {
      // The profile's configuration changed: close the client made from the old one.
      for (const [otherKey, entry] of this.clients) {
        if (otherKey.startsWith(slot) || entry.client.isClosed()) {
          this.clients.delete(otherKey);
          if (!entry.client.isClosed()) {
            this.events.emit({ level: "info", event: "registry.client.replaced", connector: name, profile });
            void entry.client.close().catch(() => undefined);
          }
        }
      }
      const client = await this.create(def, resolved);
      this.clients.set(key, { client, hash: resolved.hash, overrides });
      return client;
    })();
    this.pending.set(key, creating);
    try {
      return await creating;
    } finally {
      this.pending.delete(key);
    }
  }

  private readonly factories = new Map<DriverDefinition, Promise<(context: DriverContext<unknown>) => Connector>>();

  /** The driver's factory: `create`, or what `load` imports (once per driver). */
  private factory(def: DriverDefinition): Promise<(context: DriverContext<unknown>) => Connector> {
    let found = this.factories.get(def);
    if (!found) {
      if (def.create) {
        const create = def.create.bind(def);
        found = Promise.resolve((context: DriverContext<unknown>) => create(context));
      } else if (def.load) {
        found = def.load().catch((error: unknown) => {
          this.factories.delete(def);
          throw new ConfigError(`could not load the ${def.kind}/${def.driver} driver: ${error instanceof Error ? error.message : String(error)}`, { connector: def.kind, operation: "load", cause: error });
        });
      } else {
        found = Promise.reject(new ConfigError(`driver ${def.kind}/${def.driver} has neither create nor load`, { connector: def.kind, operation: "load" }));
      }
      this.factories.set(def, found);
    }
    return found;
  }

  private async create(def: DriverDefinition, resolved: ResolvedConfig): Promise<Connector> {
    const make = await this.factory(def);
    const client = make({
      name: resolved.name,
      profile: resolved.profile,
      driver: def.driver,
      config: resolved.config,
      redactor: new Redactor(resolved.secretValues),
      events: this.events,
      telemetry: this.options.telemetry ?? {},
    });
    this.events.emit({ level: "info", event: "registry.client.created", connector: resolved.name, profile: resolved.profile, attributes: { driver: def.driver } });
    return client;
  }

  /**
   * Re-resolve every cached client's configuration (after settings, env files or secrets changed) and
   * close those whose configuration is no longer what they were made from; the others are untouched.
   * Returns the replaced ones, so a UI can refresh just those.
   */
  async revalidate(): Promise<ClientInfo[]> {
    this.pyproject = undefined;
    const replaced: ClientInfo[] = [];
    for (const [key, entry] of [...this.clients]) {
      const { name, profile } = entry.client;
      let hash: string | undefined;
      try {
        hash = (await this.resolve(name, profile, entry.overrides)).resolved.hash;
      } catch {
        hash = undefined; // the profile is now invalid or gone: its client must go too
      }
      if (hash === entry.hash) continue;
      this.clients.delete(key);
      replaced.push({ name, profile, driver: entry.client.driver, closed: true });
      this.events.emit({ level: "info", event: "registry.client.replaced", connector: name, profile });
      await entry.client.close().catch(() => undefined);
    }
    return replaced;
  }

  /** Close and forget clients: all of them, or those of one name (and profile). */
  async reset(name?: string, profile?: string): Promise<void> {
    const closing: Array<Promise<void>> = [];
    for (const [key, entry] of this.clients) {
      if (name !== undefined && entry.client.name !== name) continue;
      if (profile !== undefined && entry.client.profile !== profile) continue;
      this.clients.delete(key);
      closing.push(entry.client.close());
    }
    await Promise.allSettled(closing);
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
