/** upload.saveFilePart / saveBigFilePart / getFile with Telegram's part and offset rules. */
import type { Tl } from '@x/mtproto-core';
import type { RpcContext } from '../context.js';
import { badRequest, RpcFailure } from '../rpc-failure.js';

const MAX_PART = 512 * 1024;
const MB = 1024 * 1024;

function checkPart(part: number, bytes: Uint8Array): void {
  if (!Number.isInteger(part) || part < 0 || part > 3999) throw badRequest('FILE_PART_INVALID');
  if (bytes.length === 0) throw badRequest('FILE_PART_EMPTY');
  if (bytes.length > MAX_PART) throw badRequest('FILE_PART_TOO_BIG');
}

export function saveFilePart(ctx: RpcContext, request: Tl<'upload.saveFilePart'>): boolean {
  const user = ctx.requireUser();
  checkPart(request.filePart, request.bytes);
  ctx.shared.world.savePart(user.id, request.fileId, request.filePart, request.bytes);
  return true;
}

export function saveBigFilePart(ctx: RpcContext, request: Tl<'upload.saveBigFilePart'>): boolean {
  const user = ctx.requireUser();
  if (request.fileTotalParts < 1 || request.fileTotalParts > 8000 || request.filePart >= request.fileTotalParts) throw badRequest('FILE_PARTS_INVALID');
  checkPart(request.filePart, request.bytes);
  ctx.shared.world.savePart(user.id, request.fileId, request.filePart, request.bytes);
  return true;
}

export function getFile(ctx: RpcContext, request: Tl<'upload.getFile'>): Tl<'upload.file'> {
  ctx.requireUser();
  const location = request.location;
  if (location._ !== 'inputDocumentFileLocation') throw badRequest('LOCATION_INVALID');
  const document = ctx.shared.world.documents.get(location.id);
  if (document === undefined || document.accessHash !== location.accessHash) throw badRequest('FILE_ID_INVALID');
  if (document.dcId !== ctx.dcId) throw new RpcFailure(303, `FILE_MIGRATE_${document.dcId}`);
  if (Buffer.compare(Buffer.from(document.fileReference), Buffer.from(location.fileReference)) !== 0) throw badRequest('FILE_REFERENCE_EXPIRED');
  const offset = Number(request.offset);
  const limit = request.limit;
  if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest('OFFSET_INVALID');
  if (request.precise) {
    if (offset % 1024 !== 0) throw badRequest('OFFSET_INVALID');
    if (limit <= 0 || limit % 1024 !== 0 || limit > MB) throw badRequest('LIMIT_INVALID');
  } else {
    if (offset % 4096 !== 0) throw badRequest('OFFSET_INVALID');
    if (limit <= 0 || limit % 4096 !== 0 || MB % limit !== 0) throw badRequest('LIMIT_INVALID');
    if (Math.floor(offset / MB) !== Math.floor((offset + limit - 1) / MB)) throw badRequest('LIMIT_INVALID');
  }
  return {
    _: 'upload.file',
    type: { _: 'storage.filePartial' },
    mtime: document.date,
    bytes: document.bytes.slice(Math.min(offset, document.bytes.length), Math.min(offset + limit, document.bytes.length)),
  };
}
