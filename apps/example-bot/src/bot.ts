/**
 * The firewall bot itself: the same handlers whether it runs against Telegram or the local test DC.
 * It answers /start with a greeting and echoes any other text.
 */
import type { Client, Message } from '@x/client';

export const GREETING = 'Hello via WebSocket!';

export function startReply(firstName: string | undefined): string {
  return `Hi${firstName ? ` ${firstName}` : ''}! I am the firewall bot: I talk to Telegram over WebSocket. Send me anything and I will echo it.`;
}

export function echoReply(text: string): string {
  return text;
}

/** What the bot answers to `message`, or undefined for nothing (empty / non-text messages). */
export function answerFor(message: Message, firstName?: string): string | undefined {
  const text = message.text.trim();
  if (!text) return undefined;
  if (/^\/start(@\w+)?(\s|$)/.test(text)) return startReply(firstName);
  return echoReply(message.text);
}

/** Wires the handlers; `onAnswered` sees each answer (for the story's timings). */
export function installBot(
  client: Client,
  onAnswered?: (incoming: Message, reply: Message) => void,
  onError?: (error: unknown) => void,
): () => void {
  return client.on('message', async (message) => {
    const answer = answerFor(message, message.sender?.firstName);
    if (answer === undefined) return;
    try {
      const reply = await message.reply(answer);
      onAnswered?.(message, reply);
    } catch (error) {
      onError?.(error);
    }
  });
}
