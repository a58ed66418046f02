import { Server, type IncomingMessage } from "node:http";
import { PEER_ADDRESS_HEADER } from "./client-ip";

// Next's route handlers, server actions and Auth.js's authorize() see a Request without its
// socket, and Next only fills X-Forwarded-For with the socket's address when the client sent none,
// so the peer's address cannot be told apart from one a client wrote. This hook, installed once by
// instrumentation.ts in the process that serves HTTP (`next start`, `next dev`), writes the
// socket's address into a header of every request before Next reads it, overwriting any copy the
// client sent. It wraps http.Server's emit for "request" only; nothing else changes.

const INSTALLED = Symbol.for("portal.peerAddressHeader");

type PatchedEmit = Server["emit"] & { [INSTALLED]?: true };

export function exposePeerAddress(): void {
  const original = Server.prototype.emit as PatchedEmit;
  if (original[INSTALLED]) return;
  const emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as IncomingMessage;
      const address = request.socket?.remoteAddress;
      if (address) request.headers[PEER_ADDRESS_HEADER] = address;
      else delete request.headers[PEER_ADDRESS_HEADER];
    }
    return Reflect.apply(original, this, [event, ...args]) as boolean;
  } as PatchedEmit;
  emit[INSTALLED] = true;
  Server.prototype.emit = emit;
}
