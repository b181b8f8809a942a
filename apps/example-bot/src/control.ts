/**
 * The part of the test DC's control API the story uses: in-process (`dc.control`) or over the
 * loopback HTTP endpoint that `pnpm test-dc` prints as `controlUrl`.
 */

export interface ControlMessage {
  id: number;
  text: string;
  fromId: number;
  peer: string;
}

export interface StoryControl {
  sendAsUser(options: { from: string | number; to: string | number; text: string }): ControlMessage | Promise<ControlMessage>;
  waitForBotMessage(bot: string | number, options: { predicate?: (message: ControlMessage) => boolean; timeoutMs?: number }): Promise<ControlMessage>;
}

/** The control API over HTTP: writes through POST /messages, watches GET /bots/:bot/messages. */
export class RemoteControl implements StoryControl {
  constructor(private readonly baseUrl: string) {}

  async sendAsUser(options: { from: string | number; to: string | number; text: string }): Promise<ControlMessage> {
    const response = await fetch(new URL('/messages', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options),
    });
    if (!response.ok) throw new Error(`control: POST /messages answered ${response.status} ${await response.text()}`);
    return (await response.json()) as ControlMessage;
  }

  async waitForBotMessage(
    bot: string | number,
    options: { predicate?: (message: ControlMessage) => boolean; timeoutMs?: number } = {},
  ): Promise<ControlMessage> {
    const key = (message: ControlMessage): string => `${message.peer}:${message.id}`;
    const seen = new Set((await this.botMessages(bot)).map(key));
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      for (const message of await this.botMessages(bot)) {
        if (seen.has(key(message))) continue;
        seen.add(key(message));
        if (!options.predicate || options.predicate(message)) return message;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`control: no message from bot ${bot} within ${options.timeoutMs ?? 10_000} ms`);
  }

  private async botMessages(bot: string | number): Promise<ControlMessage[]> {
    const response = await fetch(new URL(`/bots/${encodeURIComponent(String(bot))}/messages`, this.baseUrl));
    if (!response.ok) throw new Error(`control: GET /bots/${bot}/messages answered ${response.status}`);
    return (await response.json()) as ControlMessage[];
  }
}
