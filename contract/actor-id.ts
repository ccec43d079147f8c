/**
 * One form per person: the canonical actor id. `Alice`, `alice ` and `ALICE` are all `alice`, so a
 * guard like `event.actor.id != input.requestedBy` cannot be walked around by spelling a name
 * differently.
 *
 * The rule (documented in docs/http-api.md): Unicode NFKC normalization, then leading and
 * trailing white space removed, then lower-cased with the locale-independent `toLowerCase`. An id
 * that is empty after that is no id. Pure; no I/O.
 */
export function canonicalActorId(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}
