// Cancels a running statement with the protocol's CancelRequest, sent on a fresh socket: no
// authentication, no pool slot, works while the connection is busy. `pg` offers no public API for it.
import net from "node:net";

const CANCEL_REQUEST_CODE = 80877102;

export interface BackendKey {
  processID: number;
  secretKey: number;
}

export function sendCancelRequest(host: string, port: number, key: BackendKey, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const socket = host.startsWith("/") ? net.connect(`${host}/.s.PGSQL.${port}`) : net.connect(port, host);
    const done = (): void => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(timeoutMs, done);
    socket.once("error", done);
    socket.once("connect", () => {
      const message = Buffer.alloc(16);
      message.writeInt32BE(16, 0);
      message.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      message.writeInt32BE(key.processID, 8);
      message.writeInt32BE(key.secretKey, 12);
      // The server closes the socket once it has read the request.
      socket.end(message);
    });
    socket.once("close", done);
  });
}
