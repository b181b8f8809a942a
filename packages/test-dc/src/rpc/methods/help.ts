/** help.getConfig (dc_options list the local DCs) and help.getNearestDc. */
import type { Tl } from '@x/mtproto-core';
import type { RpcContext } from '../context.js';

export function getConfig(ctx: RpcContext): Tl<'config'> {
  const endpoints = ctx.shared.endpoints();
  const now = Math.floor(ctx.now);
  return {
    _: 'config',
    date: now,
    expires: now + 3600,
    testMode: false,
    thisDc: ctx.dcId,
    dcOptions: endpoints.map((endpoint) => ({
      _: 'dcOption',
      ...(endpoint.host.includes(':') ? { ipv6: true } : {}),
      // Non-standard ports: clients must not try 80/443/5222 here.
      thisPortOnly: true,
      id: endpoint.id,
      ipAddress: endpoint.host,
      port: endpoint.tcpPort,
    })),
    dcTxtDomainName: 'localhost',
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: endpoints[0]?.id ?? ctx.dcId,
  } as Tl<'config'>;
}

export function getNearestDc(ctx: RpcContext): Tl<'nearestDc'> {
  return { _: 'nearestDc', country: 'NL', thisDc: ctx.dcId, nearestDc: ctx.dcId };
}

/** Startup calls many clients make (TDLib, official apps): harmless, empty answers. */
export function getAppConfig(_ctx: RpcContext, request: Tl<'help.getAppConfig'>): Tl<'help.appConfig'> | Tl<'help.appConfigNotModified'> {
  if (request.hash === 1) return { _: 'help.appConfigNotModified' };
  return { _: 'help.appConfig', hash: 1, config: { _: 'jsonObject', value: [] } } as Tl<'help.appConfig'>;
}

export function getCdnConfig(): Tl<'cdnConfig'> {
  return { _: 'cdnConfig', publicKeys: [] };
}
