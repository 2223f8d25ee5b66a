import { Redis, type RedisOptions } from 'ioredis';

/** A queue address that cannot be used: names the flag's value and what is wrong. */
export class QueueError extends Error {
  override name = 'QueueError';
}

/** The BullMQ queue of a Redis database: one suite run at a time per database (redis://HOST:PORT/DB picks it). */
export const QUEUE_NAME = 'isnet-bench';

/** Where the queue is, without a password, for messages. */
export function describeQueue(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.username = '';
  return parsed.toString();
}

/** redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS) as ioredis options. */
export function queueOptions(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(`--queue: expected redis://HOST:PORT/DB, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new QueueError(`--queue: expected a redis:// or rediss:// address, got '${url}'`);
  if (!parsed.hostname) throw new QueueError(`--queue: no host in '${url}'`);
  const path = parsed.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw new QueueError(`--queue: the database (after the last /) must be a number >= 0, got '${path}' in '${url}'`);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking commands must wait through an outage instead of failing after a few retries.
    maxRetriesPerRequest: null,
    // Reconnect with backoff: 0.5 s, 1 s, 2 s ... at most 10 s apart, for as long as it takes.
    retryStrategy: (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 10_000),
  };
}

/** A Redis connection, and the one place BullMQ's errors are reported. */
export interface QueueConnection {
  readonly redis: Redis;
  /** Logs a queue error in one line, unless it repeats the last one or echoes an outage already reported. */
  report(error: unknown): void;
}

/**
 * A Redis connection that reports an outage in one line when it begins and one when it ends
 * (ioredis reconnects by itself; commands wait meanwhile), instead of an error per retry.
 */
export function openConnection(url: string, log: (message: string) => void): QueueConnection {
  const redis = new Redis(queueOptions(url));
  const where = describeQueue(url);
  let down = false;
  let connected = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log(`redis at ${where} unreachable (${oneLine(error)}); retrying with backoff, work in progress continues`);
  });
  redis.on('ready', () => {
    if (down) log(`redis at ${where} reachable again`);
    else if (!connected) log(`connected to redis at ${where}`);
    down = false;
    connected = true;
  });
  let lastError = '';
  return {
    redis,
    report(error) {
      const message = oneLine(error);
      if (!down && redis.status === 'ready' && message !== lastError) log(`queue: ${message}`);
      lastError = message;
    },
  };
}

/** An error's message in one line (ioredis aggregates some). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
  return message.trim().replace(/\s*\n\s*/g, ' ');
}
