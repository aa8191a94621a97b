// Option parsers shared by commands, with errors that list what is allowed.
//
//   .option("--format <f>", "...", choice(["table", "csv"]))

import { InvalidArgumentError } from "commander";

export function choice<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T)) throw new InvalidArgumentError(`expected one of ${allowed.join(", ")}`);
    return value as T;
  };
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}
