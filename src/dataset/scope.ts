// A scope is a filtered view of a dataset: by task, modality, any entity, or a SQL `where`.
// Scopes narrow further by chaining; `ds.RS.EEG` and `ds.EEG.RS` are the same scope.
//
//   const rs = ds.scope({ task: "RS" });
//   await rs.ids();                         // records that have RS files
//   await rs.files({ extension: ["csv", "json"] });
//   `${rs.scope({ modality: "EEG" })}`      // "<Scope task: RS, modality: EEG>"

import { inspect } from "node:util";
import { NotFoundError, QueryError } from "../errors.ts";
import type { Row } from "../catalog/duckdb.ts";
import type { CatalogSession } from "./session.ts";
import { describeFilter, type Filter, toSql } from "./filter.ts";
import { type Named, withScopeNames } from "./sugar.ts";
import { type CatalogSource, planRun, type RunReport, runSteps, type RunStepsOptions } from "../run/runner.ts";
import { runInProgress, type StepStatusRow, stepStatuses, writeStatusSnapshot } from "../run/step-status.ts";

export interface ScopeSpec {
  filter: Filter;
  /** Extra SQL conditions over the files table, ANDed. */
  where: string[];
  /** Exactly this record (a RecordView); never a pattern. */
  record?: string;
}

export class Scope {
  constructor(
    protected readonly session: CatalogSession,
    readonly spec: ScopeSpec = { filter: {}, where: [] },
  ) {}

  /** A narrower scope; `where` is SQL over the files table (values belong in the filter). */
  scope(filter: Filter & { where?: string }): Named {
    const { where, ...rest } = filter;
    if (where !== undefined && /\$\w/.test(where)) {
      throw new QueryError(`where: ${where}\n  $ parameters cannot be bound here; put the value in the filter instead, e.g. scope({ record: "..." })`);
    }
    return withScopeNames(
      new Scope(this.session, {
        ...this.spec,
        filter: { ...this.spec.filter, ...rest },
        where: where ? [...this.spec.where, where] : this.spec.where,
      }),
    );
  }

  /** Catalog rows of the files in this scope, narrowed by `filter`, sorted by path. */
  async files(filter: Filter = {}): Promise<Row[]> {
    const cond = this.condition(filter);
    return this.session.db.all(`SELECT * FROM files WHERE ${cond.sql} ORDER BY path`, cond.params);
  }

  /** Record ids with at least one file in this scope, sorted. */
  async ids(): Promise<string[]> {
    const cond = this.condition();
    const rows = await this.session.db.all(
      `SELECT DISTINCT record FROM files WHERE record IS NOT NULL AND ${cond.sql} ORDER BY record`,
      cond.params,
    );
    return rows.map((r) => String(r.record));
  }

  async count(): Promise<number> {
    const cond = this.condition();
    const rows = await this.session.db.all(
      `SELECT count(DISTINCT record)::INT AS n FROM files WHERE record IS NOT NULL AND ${cond.sql}`,
      cond.params,
    );
    return Number(rows[0].n);
  }

  async has(id: string): Promise<boolean> {
    const known = (await this.session.recordIds()).has(id);
    const unscoped = Object.keys(this.spec.filter).length === 0 && this.spec.where.length === 0 && this.spec.record === undefined;
    if (!known || unscoped) return known;
    const cond = this.condition();
    cond.params.push(id);
    const sql = `SELECT 1 FROM files WHERE ${cond.sql} AND record = $${cond.params.length} LIMIT 1`;
    return (await this.session.db.all(sql, cond.params)).length > 0;
  }

  /** The record with this id, within this scope; a clear error when there is none. */
  async get(id: string): Promise<Named<RecordView>> {
    if (!(await this.has(id))) {
      const hint = await this.session.db.all(
        "SELECT record FROM records ORDER BY jaro_winkler_similarity(record, $1) DESC LIMIT 3",
        [id],
      );
      throw new NotFoundError(
        `no record "${id}" in ${this}; closest: ${hint.map((r) => r.record).join(", ") || "(the catalog has no records)"}`,
      );
    }
    return this.recordView(id);
  }

  async first(): Promise<Named<RecordView> | undefined> {
    const ids = await this.ids();
    return ids.length ? this.recordView(ids[0]) : undefined;
  }

  /** Rows of the records table for the records in this scope. */
  async records(): Promise<Row[]> {
    const cond = this.condition();
    return this.session.db.all(
      `SELECT * FROM records WHERE record IN (SELECT record FROM files WHERE ${cond.sql}) ORDER BY record`,
      cond.params,
    );
  }

  /**
   * Runs the steps over this scope's records (see `trove run`): `ds.RS.EEG.run({ force: true })`
   * runs the steps that apply to task RS and modality EEG, for RS only. The catalog is read as
   * this dataset was opened; outputs are re-indexed afterwards.
   */
  async run(options: Omit<RunStepsOptions, "scope" | "only"> = {}): Promise<RunReport> {
    const report = await runSteps(this.session.config, this.catalogSource(), { ...options, ...this.stepSelection(options) });
    await this.session.refresh();
    return report;
  }

  /**
   * Record × step statuses in this scope, with Sinagot's names (Sinagot's `steps.status()`); also
   * refreshes the `status` view's snapshot.
   */
  async stepStatus(options: { steps?: string[] } = {}): Promise<{ order: string[]; rows: StepStatusRow[] }> {
    const { plan, journal } = await planRun(this.session.config, this.catalogSource(), { ...options, ...this.stepSelection(options) });
    const root = this.session.config.root;
    const run = runInProgress(root);
    const rows = stepStatuses(plan, journal, [], run ? { root, run } : undefined).filter((r) => plan.byId.get(r.task)!.selected);
    writeStatusSnapshot(this.session.config.root, rows);
    return { order: plan.order.filter((s) => plan.tasks.some((t) => t.step === s && t.selected)), rows };
  }

  private catalogSource(): CatalogSource {
    const session = this.session;
    return { generation: session.manifest.generation, db: async () => session.db };
  }

  /** The steps and tasks this scope means: ds.RS.EEG is the steps for task RS and modality EEG, for RS. */
  private stepSelection(options: { steps?: readonly string[]; ids?: readonly string[] }) {
    const { task, modality, ...rest } = this.spec.filter;
    const config = this.session.config;
    const one = (v: unknown) => (typeof v === "string" ? v : undefined);
    const steps = (options.steps ?? Object.keys(config.steps)).filter((name) => {
      const s = config.steps[name];
      if (one(modality) && s.modalities && !s.modalities.includes(one(modality)!)) return false;
      return !(one(task) && s.tasks && !s.tasks.includes(one(task)!));
    });
    const scope = toSql({ task, modality, ...rest }, this.session.columns);
    scope.sql = [scope.sql, ...this.spec.where.map((w) => `(${w}\n)`)].join(" AND ");
    const ids = this.spec.record !== undefined ? [this.spec.record] : options.ids;
    // no scope at all, rather than "true", so a run from here and one from the CLI share cached tasks
    return { steps, ids, scope: scope.sql === "true" ? undefined : scope, only: one(task) ? { task: one(task)! } : undefined };
  }

  protected recordView(id: string): Named<RecordView> {
    return withScopeNames(new RecordView(this.session, id, { ...this.spec, record: id }));
  }

  protected condition(extra: Filter = {}): { sql: string; params: unknown[] } {
    const filter = { ...this.spec.filter, ...extra };
    const cond = toSql(filter, this.session.columns);
    const parts = [cond.sql, ...this.spec.where.map((w) => `(${w}\n)`)];
    if (this.spec.record !== undefined) {
      cond.params.push(this.spec.record);
      parts.push(`record = $${cond.params.length}`);
    }
    return { sql: parts.join(" AND "), params: cond.params };
  }

  protected label(): string {
    const where = this.spec.where.length ? `where: ${this.spec.where.join(" AND ")}` : "";
    return [describeFilter(this.spec.filter), where].filter(Boolean).join(", ");
  }

  toString(): string {
    const label = this.label();
    return label ? `<Scope ${label}>` : `<Dataset ${this.session.name}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** One record (an ALF session, a Sinagot record, a BIDS subject/session), seen through a scope. */
export class RecordView extends Scope {
  constructor(
    session: CatalogSession,
    readonly id: string,
    spec: ScopeSpec,
  ) {
    super(session, spec);
  }

  /** The record's row of the records table (entities, file counts, bytes). */
  async info(): Promise<Row> {
    const rows = await this.session.db.all("SELECT * FROM records WHERE record = $1", [this.id]);
    if (rows.length === 0) throw new NotFoundError(`no record "${this.id}" in the records table`);
    return rows[0];
  }

  override scope(filter: Filter & { where?: string }): Named<RecordView> {
    const narrowed = super.scope(filter);
    return withScopeNames(new RecordView(this.session, this.id, narrowed.spec));
  }

  override toString(): string {
    const label = describeFilter(this.spec.filter);
    return `<Record ${this.id}${label ? ` ${label}` : ""}>`;
  }
}
