/**
 * The TLS certificate for wss://: given by the caller, or a fresh self-signed one for localhost,
 * 127.0.0.1 and ::1 made with `selfsigned` (no hand-rolled ASN.1). The certificate is its own CA:
 * clients trust it by passing it as `ca`.
 */
import { generate } from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** What clients must trust (the self-signed certificate itself, or the given CA). */
  caPem: string;
}

export async function createLocalCertificate(extraHosts: string[] = []): Promise<TlsMaterial> {
  const dnsNames = ['localhost', ...extraHosts.filter((host) => !isIp(host) && host !== 'localhost')];
  const ips = ['127.0.0.1', '::1', ...extraHosts.filter((host) => isIp(host) && host !== '127.0.0.1' && host !== '::1')];
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'x-mtproto test DC' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 30 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private, caPem: pems.cert };
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}
