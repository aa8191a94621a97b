// Dataset QC outcomes as ONE and Alyx grade them (`one.alf.spec.QC`), and their order.
//
//   qcValue("critical")        // "CRITICAL"
//   qcValue(40)                // "FAIL"
//   compareQc("PASS", "FAIL")  // < 0: ONE's `qc <= FAIL` filter keeps PASS
//
// Levels are kept as names because ONE's cache tables store QC as an ordered categorical of names;
// ordering is by position in QC_LEVELS (the categorical code), which here agrees with the Alyx
// integer values.

import { TroveError } from "../errors.ts";

export const QC_LEVELS = ["NOT_SET", "PASS", "WARNING", "FAIL", "CRITICAL"] as const;

export type QcLevel = (typeof QC_LEVELS)[number];

/** Alyx's integer for each level (`QC.FAIL == 40`). */
export const QC_VALUES: Readonly<Record<QcLevel, number>> = Object.freeze({
  NOT_SET: 0,
  PASS: 10,
  WARNING: 30,
  FAIL: 40,
  CRITICAL: 50,
});

/** A QC given as something that is not a level name nor an Alyx value. */
export class QcValueError extends TroveError {
  override name = "QcValueError";
}

const LEVEL_BY_VALUE = new Map<number, QcLevel>(QC_LEVELS.map((level) => [QC_VALUES[level], level]));
const ASCII_DIGITS = /^[0-9]+$/;

/**
 * ONE's `QC.validate`: a level name (any case), an Alyx integer or a string of one, as the level.
 * Throws `QcValueError` for anything else.
 */
export function qcValue(value: string | number): QcLevel {
  if (typeof value === "number") return levelOfNumber(value, String(value));
  if (typeof value !== "string") throw new QcValueError(`${String(value)} is not a valid QC`);
  if (ASCII_DIGITS.test(value)) return levelOfNumber(Number(value), value);
  const upper = value.toUpperCase();
  if ((QC_LEVELS as readonly string[]).includes(upper)) return upper as QcLevel;
  throw new QcValueError(`${value} is not a valid QC`);
}

function levelOfNumber(n: number, shown: string): QcLevel {
  const level = LEVEL_BY_VALUE.get(n);
  if (level === undefined) throw new QcValueError(`${shown} is not a valid QC`);
  return level;
}

/** The level's categorical code (NOT_SET 0 … CRITICAL 4). */
export function qcRank(level: QcLevel): number {
  return QC_LEVELS.indexOf(level);
}

/** Sort comparator, least severe first. */
export function compareQc(a: QcLevel, b: QcLevel): number {
  return qcRank(a) - qcRank(b);
}
