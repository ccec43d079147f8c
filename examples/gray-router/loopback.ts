/**
 * Serving on loopback, shared by the router and the sample service: both listen on 127.0.0.1
 * only (the gray-release environment is never reachable from outside the machine).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on 127.0.0.1 (`port` 0 picks a free one) and gives the port it got. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Drops open keep-alive connections and waits until the server has closed. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
