// Prints query results as an aligned table, CSV or JSON lines.
//
//   printRows({ columns: ["id", "n"], rows: [{ id: "a", n: 1 }] }, "table");

export type Format = "table" | "csv" | "json";

export interface Result {
  columns: string[];
  rows: Record<string, unknown>[];
}

const MAX_CELL = 60;

export function formatRows(result: Result, format: Format): string {
  if (format === "json") return result.rows.map((r) => JSON.stringify(r, jsonValue)).join("\n") + (result.rows.length ? "\n" : "");
  if (format === "csv") return [result.columns.map(csvCell).join(","), ...result.rows.map((r) => result.columns.map((c) => csvCell(text(r[c]))).join(","))].join("\n") + "\n";
  return table(result);
}

function table({ columns, rows }: Result): string {
  const cells = rows.map((r) => columns.map((c) => clip(text(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  const out = [line(columns), line(widths.map((w) => "─".repeat(w))), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? "" : "s"})`);
  return out.join("\n") + "\n";
}

export function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString().replace(".000Z", "Z");
  if (typeof v === "object") return JSON.stringify(v, jsonValue);
  return String(v);
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > MAX_CELL ? `${one.slice(0, MAX_CELL - 1)}…` : one;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function jsonValue(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
