/**
 * Polls `probe` every 100 ms until it returns something (returned), or throws after `ms` naming
 * `what`. A wait for a condition, not a measure of time: the bound only turns a hang into a message.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const giveUp = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
