import { describe, expect, it } from 'vitest';
import { describeQueue, QueueError, queueOptions } from './connection.js';

describe('queue address', () => {
  it('redis://[user:password@]host[:port][/db] as connection options; the password never shown', () => {
    expect(queueOptions('redis://10.0.0.5:6380/3')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3, maxRetriesPerRequest: null });
    expect(queueOptions('redis://lab-redis')).toMatchObject({ host: 'lab-redis', port: 6379, db: 0 });
    expect(queueOptions('rediss://bench:s%40cret@[::1]:7000/1')).toMatchObject({ host: '::1', port: 7000, db: 1, username: 'bench', password: 's@cret', tls: {} });
    expect(describeQueue('redis://bench:secret@lab:6379/2')).toBe('redis://lab:6379/2');
  });

  it('reconnects with a doubling backoff, at most 10 s apart', () => {
    const retry = queueOptions('redis://h').retryStrategy!;
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => retry(n))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('a bad address is one line naming it', () => {
    expect(() => queueOptions('localhost:6379')).toThrow(new QueueError("--queue: expected a redis:// or rediss:// address, got 'localhost:6379'"));
    expect(() => queueOptions('not a url')).toThrow(new QueueError("--queue: expected redis://HOST:PORT/DB, got 'not a url'"));
    expect(() => queueOptions('redis://h:1/-2')).toThrow(QueueError);
  });
});
