import type { TlMethod, TlMethodResult } from '@x/mtproto-core';

/** What calling method object `M` resolves to (inferred from the object literal's `_`). */
export type ResultOf<M extends TlMethod> = TlMethodResult<M['_']>;

/** A function that runs a call somewhere and resolves with its typed result. */
export type Invoke = <M extends TlMethod>(method: M) => Promise<ResultOf<M>>;
