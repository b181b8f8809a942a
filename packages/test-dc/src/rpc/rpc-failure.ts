/** An rpc_error answer, thrown by method handlers. */
export class RpcFailure extends Error {
  readonly errorCode: number;
  readonly errorMessage: string;

  constructor(errorCode: number, errorMessage: string) {
    super(`${errorCode} ${errorMessage}`);
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
}

export const unauthorized = (): RpcFailure => new RpcFailure(401, 'AUTH_KEY_UNREGISTERED');
export const badRequest = (message: string): RpcFailure => new RpcFailure(400, message);
