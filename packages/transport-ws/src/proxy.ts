/**
 * HTTP(S) CONNECT proxies on Node: from the `proxy` option, else from HTTPS_PROXY / HTTP_PROXY /
 * ALL_PROXY and NO_PROXY (read at each connect, through proxy-from-env). A network that blocks
 * raw TCP usually offers exactly such a proxy; the tunnel carries the same WebSocket bytes.
 */
import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';

/** A proxy URL (`http://user:pass@proxy:3128`), `false` to ignore the environment, or undefined to read it. */
export type ProxyOption = string | URL | false | undefined;

/** Checks a proxy URL given as an option; returns it normalised. */
export function checkProxyUrl(proxy: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(proxy));
  } catch {
    throw new RangeError(`webSocketTransport: proxy "${redact(String(proxy))}" is not a URL (expected http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(
      `webSocketTransport: proxy must be an http:// or https:// CONNECT proxy, got ${url.protocol}// ` +
        '(for SOCKS pass an http.Agent such as socks-proxy-agent as the `agent` option)',
    );
  }
  return url;
}

/** The proxy for a ws:// or wss:// URL from the environment, as proxy-from-env reads it for http/https. */
export function proxyFromEnvironment(target: string): string | undefined {
  // proxy-from-env looks up `<scheme>_proxy`: ask as http/https so HTTP_PROXY/HTTPS_PROXY apply.
  const asHttp = target.replace(/^ws(s?):/i, 'http$1:');
  const proxy = getProxyForUrl(asHttp);
  return proxy === '' ? undefined : proxy;
}

/** Picks (and caches) the agent for each URL. */
export function proxyAgents(option: ProxyOption): (url: string) => Agent | undefined {
  const fixed = option === undefined || option === false ? undefined : checkProxyUrl(option);
  const agents = new Map<string, Agent>();
  return (url) => {
    if (option === false) return undefined;
    const proxy = fixed?.href ?? proxyFromEnvironment(url);
    if (proxy === undefined) return undefined;
    let agent = agents.get(proxy);
    if (agent === undefined) {
      agent = new HttpsProxyAgent(checkProxyUrl(proxy).href);
      agents.set(proxy, agent);
    }
    return agent;
  };
}

/** A proxy URL for messages: the password is never shown. */
export function redact(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
