// Sinagot's scope sugar: task and modality names as properties, in either order.
//
//   ds.RS.EEG      // same as ds.scope({ task: "RS", modality: "EEG" })
//   ds.EEG.RS      // the same scope
//   ds.EEG.behavior // NotFoundError: behavior is not a modality of ... (lists the valid names)
//
// Only names that are not already properties are looked up, and names JS machinery probes
// (then, toJSON, symbols, $-names) pass through untouched, so `await` and printing still work.

import { NotFoundError } from "../errors.ts";
import type { Scope } from "./scope.ts";
import type { CatalogSession } from "./session.ts";

const PASS_THROUGH = new Set(["then", "catch", "finally", "toJSON", "constructor", "nodeType", "asymmetricMatch", "inspect", "length"]);

/** A scope whose task and modality names are properties (checked at run time against trove.toml). */
export type Named<T extends Scope = Scope> = T & { readonly [name: string]: Named };

export function withScopeNames<T extends Scope>(scope: T): Named<T> {
  return new Proxy(scope as Named<T>, {
    get(target, prop, receiver) {
      if (typeof prop !== "string" || prop in target || PASS_THROUGH.has(prop) || /^[_$@]/.test(prop)) {
        return Reflect.get(target, prop, receiver);
      }
      return narrow(target, prop, (target as unknown as { session: CatalogSession }).session);
    },
  });
}

function narrow(scope: Scope, name: string, session: CatalogSession): Scope {
  const { task, modality } = scope.spec.filter;
  const taskNames = Object.keys(session.tasks);
  if (name in session.tasks) {
    if (task !== undefined) throw new NotFoundError(`${scope} already has a task; ${name} cannot narrow it further`);
    const allowed = session.tasks[name];
    if (typeof modality === "string" && allowed.length && !allowed.includes(modality)) {
      throw new NotFoundError(`task ${name} has no modality ${modality} (its modalities: ${allowed.join(", ")})`);
    }
    return scope.scope({ task: name });
  }
  if (session.modalities.includes(name)) {
    if (modality !== undefined) throw new NotFoundError(`${scope} already has a modality; ${name} cannot narrow it further`);
    if (typeof task === "string" && session.tasks[task]?.length && !session.tasks[task].includes(name)) {
      throw new NotFoundError(`${name} is not a modality of task ${task} (its modalities: ${session.tasks[task].join(", ")})`);
    }
    return scope.scope({ modality: name });
  }
  const valid = [...taskNames.map((t) => `${t} (task)`), ...session.modalities.map((m) => `${m} (modality)`)];
  throw new NotFoundError(
    `${scope} has no scope "${name}"; ${valid.length ? `valid names: ${valid.join(", ")}` : "trove.toml declares no [tasks]"}`,
  );
}
