/** The initConnection fields: the user's, or values describing the runtime (browser-safe). */
import type { InitConnectionParams } from '@x/mtproto-core';
import type { ClientOptions } from './options.js';

export const CLIENT_VERSION = '0.1.0';

export function initConnectionParams(apiId: number, options: ClientOptions): InitConnectionParams {
  return {
    apiId,
    deviceModel: options.deviceModel ?? defaultDeviceModel(),
    systemVersion: options.systemVersion ?? defaultSystemVersion(),
    appVersion: options.appVersion ?? CLIENT_VERSION,
    systemLangCode: options.systemLangCode ?? 'en',
    // Third-party apps send an empty lang pack (protocol notes §9.1).
    langPack: options.langPack ?? '',
    langCode: options.langCode ?? 'en',
  };
}

function defaultDeviceModel(): string {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node) return `Node.js ${proc.versions.node}`;
  const nav = (globalThis as { navigator?: { userAgent?: string } }).navigator;
  return nav?.userAgent?.slice(0, 64) ?? 'JavaScript';
}

function defaultSystemVersion(): string {
  const proc = (globalThis as { process?: { platform?: string; arch?: string } }).process;
  if (proc?.platform) return `${proc.platform} ${proc.arch ?? ''}`.trim();
  return 'browser';
}
