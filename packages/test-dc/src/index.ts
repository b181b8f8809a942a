/**
 * @x/test-dc: a real local MTProto server for tests and demos.
 *
 *   const dc = await startTestDc();
 *   // dc.dcs → [{ id, host, tcpPort, wsUrl, wssUrl }], dc.rsaPublicKeyPem, dc.tlsCaPem
 *   dc.control.sendAsUser({ from: 'alice', to: '@bot123_bot', text: 'hi' });
 *   await dc.close();
 */
export { startTestDc, type TestDc, type TestDcOptions, type TestDcClientConfig, type DcAddress } from './test-dc.js';
export { TestDcControl, type MessageView, type FaultTarget } from './control/control.js';
export { startHttpControl, type HttpControl } from './control/http-control.js';
export { parseFaults, FAULT_KEYS, type Faults, type FloodWaitFault } from './faults/faults.js';
export type { Violation, ViolationKind } from './violations.js';
export type { ConnectionInfo } from './net/connection.js';
export { World, ALICE_ID, BOB_ID, GROUP_ID, CHANNEL_ID } from './world/world.js';
export { DH_PRIME_HEX, DH_G } from './crypto/dh.js';
