/**
 * The sockets one DC listens on: a TCP port (framing detected per connection), a ws:// endpoint
 * and optionally a wss:// endpoint, both at `/apiws` (and `/apiws_test`).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Carrier } from './carrier.js';
import { TcpCarrier } from './tcp-carrier.js';
import { WsCarrier } from './ws-carrier.js';

export interface ListenOptions {
  host: string;
  tcpPort: number;
  wsPort: number;
  /** When set, a wss:// endpoint too. */
  wss?: { port: number; cert: string; key: string; hosts: string[] };
}

export interface BoundPorts {
  tcpPort: number;
  wsPort: number;
  wssPort?: number;
}

const WS_PATHS = new Set(['/apiws', '/apiws_test', '/apiws_premium', '/apiws_test_premium']);

export class DcListeners {
  private readonly accept: (carrier: Carrier) => void;
  private tcp: TcpServer | undefined;
  private http: HttpServer | undefined;
  private https: HttpsServer[] = [];
  private wsServer: WebSocketServer | undefined;
  private readonly sockets = new Set<Socket | Duplex>();

  constructor(accept: (carrier: Carrier) => void) {
    this.accept = accept;
  }

  async listen(options: ListenOptions): Promise<BoundPorts> {
    this.wsServer = new WebSocketServer({
      noServer: true,
      // Echo `binary` when asked; accept clients that ask for nothing (strict mode reports them).
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
      maxPayload: 32 * 1024 * 1024,
      perMessageDeflate: false,
    });

    this.tcp = createTcpServer((socket) => {
      this.track(socket);
      this.accept(new TcpCarrier(socket));
    });
    const tcpPort = await listenOn(this.tcp, options.host, options.tcpPort);

    this.http = createHttpServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('MTProto WebSocket endpoint: /apiws\n');
    });
    this.http.on('upgrade', (request, socket, head) => this.upgrade('ws', request, socket, head));
    this.http.on('connection', (socket) => this.track(socket));
    const wsPort = await listenOn(this.http, options.host, options.wsPort);

    let wssPort: number | undefined;
    if (options.wss) {
      const hosts = options.wss.hosts.length > 0 ? options.wss.hosts : [options.host];
      let port = options.wss.port;
      for (const [index, host] of hosts.entries()) {
        const server = createHttpsServer({ cert: options.wss.cert, key: options.wss.key }, (_request, response) => {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('MTProto WebSocket endpoint: /apiws\n');
        });
        server.on('upgrade', (request, socket, head) => this.upgrade('wss', request, socket, head));
        // The raw sockets too: one stuck in its TLS handshake must not hold close() up.
        server.on('connection', (socket) => this.track(socket));
        server.on('secureConnection', (socket) => this.track(socket));
        server.on('tlsClientError', () => {});
        try {
          port = await listenOn(server, host, port);
          this.https.push(server);
        } catch (error) {
          // Extra hosts (::1 for "localhost") are best effort; the first one must work.
          if (index === 0) throw error;
        }
      }
      wssPort = port;
    }
    return { tcpPort, wsPort, ...(wssPort !== undefined ? { wssPort } : {}) };
  }

  private upgrade(kind: 'ws' | 'wss', request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    const wsServer = this.wsServer;
    if (!WS_PATHS.has(path) || wsServer === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.track(socket);
    const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    wsServer.handleUpgrade(request, socket, head, (ws) => this.accept(new WsCarrier(ws, kind, remote)));
  }

  private track(socket: Socket | Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Stops listening and drops every open socket. */
  async close(): Promise<void> {
    const servers: (TcpServer | HttpServer | HttpsServer)[] = [];
    if (this.tcp) servers.push(this.tcp);
    if (this.http) servers.push(this.http);
    servers.push(...this.https);
    const closing = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.wsServer?.close();
    await Promise.all(closing);
  }
}

function listenOn(server: TcpServer | HttpServer | HttpsServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      // Accept errors (EMFILE...) must not take the process down.
      server.on('error', () => {});
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
