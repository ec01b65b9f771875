/**
 * @module names
 * Tables keyed by names a user wrote (components, vantages, services).
 */

/**
 * An empty table keyed by names from the config (components, vantages): no prototype, so a
 * component called `toString` or `__proto__` is an entry like any other, never an inherited
 * function or the prototype itself.
 */
export function nameTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
