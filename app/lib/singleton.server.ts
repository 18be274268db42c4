/**
 * One instance per process, surviving the dev server's module reloads
 * (the Epic Stack's `remember`).
 */
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __techexSingletons?: Map<string, unknown> };
  store.__techexSingletons ??= new Map();
  if (!store.__techexSingletons.has(name)) store.__techexSingletons.set(name, create());
  return store.__techexSingletons.get(name) as T;
}
