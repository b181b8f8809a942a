/**
 * The control API over loopback HTTP + JSON (used by the CLI). bigint values are sent as decimal
 * strings. Routes:
 *   GET    /health                     {"ok":true}
 *   GET    /dcs                        the client config (dcs, PEM text)
 *   GET    /connections[?dc=N]         open connections
 *   GET    /violations                 strict-mode protocol violations;  DELETE clears them
 *   GET    /faults[?dc=N|connection=N] switches set on a DC or connection
 *   POST   /faults                     {"dc"?:N,"connection"?:N,"faults":{...}}  (merge)
 *   DELETE /faults[?dc=N|connection=N] clear
 *   POST   /salts/rotate               {"dc"?:N}
 *   POST   /connections/drop           {"dc"?:N,"connection"?:N}
 *   POST   /messages                   {"from":"alice","to":"@bot1_bot","text":"hi"}
 *   GET    /bots/:bot/messages[?peer=] what a bot sent (bot = id or username)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseFaults } from '../faults/faults.js';
import type { TestDc } from '../test-dc.js';

export interface HttpControl {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHttpControl(dc: TestDc, options: { host?: string; port?: number } = {}): Promise<HttpControl> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((request, response) => {
    handle(dc, request, response).catch((error: unknown) => send(response, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(dc: TestDc, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://control');
  const method = request.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const number = (name: string): number | undefined => {
    const value = url.searchParams.get(name);
    return value === null ? undefined : Number(value);
  };
  const control = dc.control;
  try {
    if (method === 'GET' && path === '/health') return send(response, 200, { ok: true });
    if (method === 'GET' && path === '/dcs') return send(response, 200, dc.clientConfig());
    if (method === 'GET' && path === '/connections') return send(response, 200, control.connections(number('dc')));
    if (method === 'GET' && path === '/violations') return send(response, 200, control.violations());
    if (method === 'DELETE' && path === '/violations') {
      control.clearViolations();
      return send(response, 200, { ok: true });
    }
    if (method === 'GET' && path === '/faults') return send(response, 200, control.faults({ dcId: number('dc'), connectionId: number('connection') }));
    if (method === 'POST' && path === '/faults') {
      const body = await readJson(request);
      const faults = parseFaults(body['faults']);
      control.setFaults(faults, target(body));
      return send(response, 200, { ok: true });
    }
    if (method === 'DELETE' && path === '/faults') {
      control.clearFaults({ dcId: number('dc'), connectionId: number('connection') });
      return send(response, 200, { ok: true });
    }
    if (method === 'POST' && path === '/salts/rotate') {
      const body = await readJson(request);
      control.rotateSalts(target(body).dcId);
      return send(response, 200, { ok: true });
    }
    if (method === 'POST' && path === '/connections/drop') {
      const body = await readJson(request);
      return send(response, 200, { dropped: control.dropConnections(target(body)) });
    }
    if (method === 'POST' && path === '/messages') {
      const body = await readJson(request);
      const from = body['from'];
      const to = body['to'];
      const text = body['text'];
      if ((typeof from !== 'string' && typeof from !== 'number') || (typeof to !== 'string' && typeof to !== 'number') || typeof text !== 'string') {
        return send(response, 400, { error: 'expected {"from","to","text"}' });
      }
      return send(response, 200, control.sendAsUser({ from, to, text }));
    }
    const bot = /^\/bots\/([^/]+)\/messages$/.exec(path);
    if (method === 'GET' && bot) {
      const peer = url.searchParams.get('peer') ?? undefined;
      return send(response, 200, control.botMessages(decodeURIComponent(bot[1]), peer !== undefined ? { peer } : {}));
    }
    return send(response, 404, { error: `no route ${method} ${path}` });
  } catch (error) {
    return send(response, 400, { error: (error as Error).message });
  }
}

function target(body: Record<string, unknown>): { dcId?: number; connectionId?: number } {
  const out: { dcId?: number; connectionId?: number } = {};
  if (typeof body['dc'] === 'number') out.dcId = body['dc'];
  if (typeof body['connection'] === 'number') out.connectionId = body['connection'];
  return out;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1 << 20) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
  return parsed as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item instanceof Uint8Array ? Buffer.from(item).toString('hex') : item));
  response.writeHead(status, { 'content-type': 'application/json' }).end(body);
}
