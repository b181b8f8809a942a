#!/usr/bin/env node
// Regenerates src/layers/history.ts: how the constructors this server sends looked in each API
// layer, so that clients speaking another layer (invokeWithLayer) get objects they can parse, as
// Telegram serves them. Data only, from pinned npm packages: @mtcute/tl snapshots (api-schema.json)
// and the newer layer bundled in @mtcute/core. Only changes are kept.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCES = [
  ...['167.0.0', '179.0.0', '181.0.0', '185.1.0', '189.0.0', '204.0.0', '216.0.0', '218.0.1', '220.0.0', '221.0.0', '223.0.0'].map((v) => ({ spec: `@mtcute/tl@${v}`, file: 'api-schema.json' })),
  { spec: '@mtcute/core@0.30.3', file: 'tl/api-schema.json' },
  // GramJS ships its layer as TL text (tl/apiTl.js) and the layer number in tl/AllTLObjects.js.
  { spec: 'telegram@2.26.22', file: 'tl/apiTl.js', text: true },
];

// Every constructor an answer or a push of this server can contain.
export const NAMES = [
  'user', 'userEmpty', 'userStatusRecently', 'userProfilePhotoEmpty', 'chat', 'chatPhotoEmpty', 'channel', 'chatAdminRights',
  'message', 'messageEmpty', 'messageService', 'messageMediaDocument', 'document', 'documentAttributeFilename',
  'peerUser', 'peerChat', 'peerChannel', 'config', 'dcOption', 'nearestDc', 'help.appConfig', 'help.appConfigNotModified',
  'jsonObject', 'cdnConfig', 'userFull', 'users.userFull', 'peerSettings', 'peerNotifySettings', 'botInfo',
  'auth.authorization', 'auth.exportedAuthorization', 'auth.loggedOut', 'contacts.resolvedPeer',
  'messages.messages', 'messages.channelMessages', 'messages.chats', 'updateShortMessage', 'updateShortChatMessage',
  'updateShortSentMessage', 'updates', 'updateNewMessage', 'updateNewChannelMessage', 'updateMessageID',
  'updates.state', 'updates.difference', 'updates.differenceEmpty', 'updates.differenceSlice',
  'updates.channelDifference', 'updates.channelDifferenceEmpty', 'upload.file', 'storage.filePartial',
  // What requests can contain (read in the client's layer).
  'inputPeerEmpty', 'inputPeerSelf', 'inputPeerUser', 'inputPeerChat', 'inputPeerChannel', 'inputPeerUserFromMessage',
  'inputPeerChannelFromMessage', 'inputUserEmpty', 'inputUserSelf', 'inputUser', 'inputUserFromMessage', 'inputChannel',
  'inputChannelEmpty', 'inputChannelFromMessage', 'inputMessageID', 'inputMessageReplyTo', 'inputMessagePinned',
  'inputReplyToMessage', 'inputMediaUploadedDocument', 'inputFile', 'inputFileBig', 'inputDocumentFileLocation',
  'channelMessagesFilterEmpty', 'inputClientProxy', 'jsonNull', 'jsonBool', 'jsonNumber', 'jsonString', 'jsonArray',
  'jsonObjectValue', 'messageEntityBold', 'messageEntityItalic', 'messageEntityCode', 'messageEntityPre',
  'messageEntityTextUrl', 'messageEntityUrl', 'messageEntityMention', 'messageEntityBotCommand',
  'botCommandScopeDefault', 'botCommand', 'sendMessageTypingAction', 'sendMessageCancelAction',
];

// Methods this server answers, and the wrappers around them.
export const METHOD_NAMES = [
  'invokeWithLayer', 'initConnection', 'invokeWithoutUpdates', 'invokeAfterMsg', 'invokeAfterMsgs',
  'help.getConfig', 'help.getNearestDc', 'help.getAppConfig', 'help.getCdnConfig', 'auth.importBotAuthorization',
  'auth.exportAuthorization', 'auth.importAuthorization', 'auth.logOut', 'auth.bindTempAuthKey', 'users.getUsers',
  'users.getFullUser', 'contacts.resolveUsername', 'messages.sendMessage', 'messages.sendMedia', 'messages.getMessages',
  'messages.getChats', 'channels.getChannels', 'channels.getMessages', 'updates.getState', 'updates.getDifference',
  'updates.getChannelDifference', 'upload.saveFilePart', 'upload.saveBigFilePart', 'upload.getFile',
  'account.updateStatus', 'messages.setTyping', 'bots.setBotCommands', 'bots.resetBotCommands', 'bots.getBotCommands',
];

function argType(arg) {
  let type = arg.type === 'int53' ? 'long' : arg.type;
  if (arg.typeModifiers?.isVector) type = `Vector<${type}>`;
  if (arg.typeModifiers?.isBareVector) type = `vector<${type}>`;
  if (arg.typeModifiers?.predicate) type = `${arg.typeModifiers.predicate}?${type}`;
  return type;
}

function line(entry) {
  const args = entry.arguments.map((a) => `${a.name}:${argType(a)}`).join(' ');
  const generics = (entry.generics ?? []).map((g) => `{${g.name}:${g.type}}`).join(' ');
  const type = entry.typeModifiers?.isVector ? `Vector<${entry.type}>` : entry.type;
  return [`${entry.name}#${(entry.id >>> 0).toString(16).padStart(8, '0')}`, generics, args, '=', `${type};`].filter(Boolean).join(' ');
}

/** `{ l, e }` like api-schema.json, from a module exporting TL text (constructors only). */
function schemaFromText(dir, file) {
  const source = readFileSync(join(dir, 'package', file), 'utf8');
  const text = source.slice(source.indexOf('`') + 1, source.lastIndexOf('`'));
  const layer = Number(/LAYER = (\d+)/.exec(readFileSync(join(dir, 'package', 'tl', 'AllTLObjects.js'), 'utf8'))[1]);
  const entries = [];
  let kind = 'class';
  for (const raw of text.split('\n')) {
    if (raw.startsWith('---functions---')) kind = 'method';
    const match = /^([\w.]+)#([0-9a-f]+)\s*(.*?)\s*=\s*([\w.<>]+);/.exec(raw.trim());
    if (!match) continue;
    const args = match[3].split(/\s+/).filter(Boolean).filter((part) => !part.startsWith('{') && part !== '#' && part !== '[' && part !== 't' && part !== ']').map((part) => {
      const [name, type] = [part.slice(0, part.indexOf(':')), part.slice(part.indexOf(':') + 1)];
      const conditional = /^(\w+\.\d+)\?(.+)$/.exec(type);
      const base = conditional ? conditional[2] : type;
      const vector = /^Vector<(.+)>$/.exec(base);
      return {
        name,
        type: vector ? vector[1] : base,
        typeModifiers: { ...(conditional ? { predicate: conditional[1] } : {}), ...(vector ? { isVector: true } : {}) },
      };
    });
    const generics = [...match[3].matchAll(/\{(\w+):(\w+)\}/g)].map((g) => ({ name: g[1], type: g[2] }));
    entries.push({ kind, name: match[1], id: parseInt(match[2], 16), type: match[4], arguments: args, ...(generics.length ? { generics } : {}) });
  }
  return { l: layer, e: entries };
}

// A constructor id is the CRC32 of its normalised line: checks that every kept line is intact.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function lineId(text) {
  const normalised = text
    .replace(/;\s*$/, '')
    .replace(/#[0-9a-f]+/, '')
    .replace(/\s+\w+:flags\d*\.\d+\?true/g, '')
    .replace(/[<>{}]/g, (c) => (c === '<' ? ' ' : ''))
    .replace(/([:?])bytes\b/g, '$1string')
    .replace(/\s+/g, ' ')
    .trim();
  let crc = 0xffffffff;
  for (const byte of Buffer.from(normalised)) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const history = new Map([...NAMES, ...METHOD_NAMES].map((name) => [name, []]));
const methods = new Set(METHOD_NAMES);
// Oldest layer first, so that only changes are kept.
const snapshots = [];
for (const source of SOURCES) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-layers-'));
  const tarball = execFileSync('npm', ['pack', source.spec, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', tarball], { cwd: dir });
  const schema = source.text ? schemaFromText(dir, source.file) : JSON.parse(readFileSync(join(dir, 'package', source.file), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  snapshots.push(schema);
}
snapshots.sort((a, b) => a.l - b.l);
for (const schema of snapshots) {
  for (const name of [...NAMES, ...METHOD_NAMES]) {
    const entry = schema.e.find((item) => item.kind === (methods.has(name) ? 'method' : 'class') && item.name === name);
    if (!entry) continue;
    const versions = history.get(name);
    const text = line(entry);
    if (lineId(text) !== entry.id >>> 0) throw new Error(`layer ${schema.l}: ${text} does not match its constructor id`);
    if (versions.at(-1)?.line !== text) versions.push({ layer: schema.l, line: text });
  }
}

const out = [
  '// Generated by scripts/update-layers.mjs from pinned @mtcute/tl snapshots and @mtcute/core\'s bundled layer; do not edit.',
  '// For each constructor: the layer from which each definition applies (older layers use the first).',
  '',
  'export const LAYER_HISTORY: Record<string, readonly { layer: number; line: string }[]> = {',
  ...[...history].map(([name, versions]) => `  '${name}': [\n${versions.map((v) => `    { layer: ${v.layer}, line: ${JSON.stringify(v.line)} },`).join('\n')}\n  ],`),
  '};',
  '',
];
writeFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'layers', 'history.ts'), out.join('\n'));
