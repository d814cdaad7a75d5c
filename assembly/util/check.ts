// util/check.ts: debug-only invariant checks. VALIDATE is set by the debug target (asconfig `use`),
// compiled away in release (STYLE §4.7). A failed check is a bug: it traps and poisons the instance.

// @ts-ignore: decorator
@inline export const VALIDATE: bool = isDefined(VALIDATE_BUILD);

// @ts-ignore: decorator
@inline export function check(cond: bool, reason: string): void {
  if (VALIDATE) { if (!cond) abort(reason); }
}
