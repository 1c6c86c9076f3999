import { randomBytes } from 'node:crypto';

/**
 * Random bytes behind a fixed binary prefix: confirm's content sniffing (on by default) rightly
 * refuses bytes that happen to start like an executable (`MZ`, about one upload in 65,536) or markup,
 * and a soak's payload must never be refused by chance.
 */
const PAYLOAD_PREFIX = Buffer.from('\0draftstore-soak\0');
const payload = (size: number): Buffer => {
  const bytes = randomBytes(size);
  PAYLOAD_PREFIX.copy(bytes, 0, 0, Math.min(size, PAYLOAD_PREFIX.length));
  return bytes;
};
import { Ledger, sha256, type LedgerEntry } from './ledger.js';
import { seededRandom } from './seeded-random.js';

const KIB = 1024;
const MIB = 1024 * KIB;
/** S3's smallest part: a two-part upload is one such part and a small tail. */
const PART_SIZE = 5 * MIB;
/** Confirmed objects a worker keeps before it deletes its oldest, so the store stays bounded. */
const LIVE_OBJECTS_PER_WORKER = 16;

export type OperationName =
  'put' | 'form' | 'multipart' | 'confirm' | 'list' | 'info' | 'delete' | 'invalid';

/** How often each operation is drawn, relative to the others. */
const WEIGHTS: readonly (readonly [OperationName, number])[] = [
  ['put', 26],
  ['form', 12],
  // Rare: each is 5 MiB and more, the rest a few KiB; RGW keeps deleted data until its GC runs.
  ['multipart', 1],
  ['confirm', 28],
  ['list', 12],
  ['info', 8],
  ['delete', 8],
  ['invalid', 4],
];

/** A request with no answer by then is an error: a stalled store must show, not hang the soak. */
const REQUEST_TIMEOUT_MS = 60_000;

/** An answer the workload did not expect: a 5xx, a network error, an undocumented status. */
export interface WorkloadError {
  readonly at: number;
  readonly operation: OperationName;
  readonly step: string;
  readonly detail: string;
}

export interface WorkloadOptions {
  readonly apiUrl: string;
  readonly concurrency: number;
  readonly seed: number;
  /** The server's OBJECT_LIFETIME: older drafts are the sweep's, younger ones are confirmed. */
  readonly lifetimeMs: number;
}

/** Counters the sampler reads and resets every interval. */
export interface WorkloadCounters {
  operations: number;
  requests: number;
  errors: number;
  documented4xx: number;
}

class Unexpected extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(detail);
  }
}

interface Answer {
  readonly status: number;
  readonly json: any;
}

/**
 * The mixed workload: `concurrency` workers, each drawing operations from its own seeded
 * generator until stopped. Every object gets a key no other operation uses, and every answer
 * about it goes into the ledger.
 */
export class Workload {
  readonly ledger = new Ledger();
  readonly errors: WorkloadError[] = [];
  readonly interval: WorkloadCounters = { operations: 0, requests: 0, errors: 0, documented4xx: 0 };
  readonly total: WorkloadCounters & Record<`op:${OperationName}`, number>;
  #stopping = false;
  #running: Promise<void>[] = [];

  constructor(private readonly options: WorkloadOptions) {
    const perOperation = Object.fromEntries(WEIGHTS.map(([name]) => [`op:${name}`, 0]));
    this.total = {
      operations: 0,
      requests: 0,
      errors: 0,
      documented4xx: 0,
      ...(perOperation as Record<`op:${OperationName}`, number>),
    };
  }

  start(): void {
    for (let worker = 0; worker < this.options.concurrency; worker += 1) {
      this.#running.push(this.#worker(worker));
    }
  }

  /** Lets every operation in flight finish, then resolves. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#running);
  }

  /** Reads and resets the per-interval counters. */
  takeInterval(): WorkloadCounters {
    const taken = { ...this.interval };
    Object.assign(this.interval, { operations: 0, requests: 0, errors: 0, documented4xx: 0 });
    return taken;
  }

  async #worker(worker: number): Promise<void> {
    const random = seededRandom(this.options.seed * 1000 + worker);
    const mine: LedgerEntry[] = [];
    let serial = 0;
    const totalWeight = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
    while (!this.#stopping) {
      let draw = random() * totalWeight;
      let operation: OperationName = 'put';
      for (const [name, weight] of WEIGHTS) {
        draw -= weight;
        if (draw < 0) {
          operation = name;
          break;
        }
      }
      const live = mine.filter((entry) => entry.state === 'confirmed');
      if (live.length > LIVE_OBJECTS_PER_WORKER) operation = 'delete';
      serial += 1;
      const key = `soak/w${worker}/${serial}.bin`;
      try {
        await this.#run(operation, { key, random, mine });
        this.interval.operations += 1;
        this.total.operations += 1;
        this.total[`op:${operation}`] += 1;
      } catch (error) {
        const step = error instanceof Unexpected ? error.step : 'request';
        // fetch's own message is only "fetch failed": the cause says what the socket did.
        const cause =
          error instanceof Error ? (error.cause as { code?: string; message?: string }) : undefined;
        const detail =
          (error instanceof Error ? error.message : String(error)) +
          (cause ? ` (${cause.code ?? cause.message ?? String(cause)})` : '');
        this.errors.push({ at: Date.now(), operation, step, detail: detail.slice(0, 300) });
        this.interval.errors += 1;
        this.total.errors += 1;
        // A store in trouble should not be hammered by 32 tight loops.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (let index = mine.length - 1; index >= 0; index -= 1) {
        if (mine[index]!.state === 'deleted' || this.#sweepable(mine[index]!)) {
          mine.splice(index, 1);
        }
      }
    }
  }

  /** A draft old enough that the sweep may take it: never confirmed, never waited on. */
  #sweepable(entry: LedgerEntry): boolean {
    return entry.state === 'draft' && Date.now() - entry.draftedAt > this.options.lifetimeMs / 2;
  }

  async #run(
    operation: OperationName,
    context: { key: string; random: () => number; mine: LedgerEntry[] },
  ): Promise<void> {
    const { key, random, mine } = context;
    const pick = (state: LedgerEntry['state'], stage?: 'draft'): LedgerEntry | undefined => {
      const candidates = mine.filter(
        (entry) => entry.state === state && (stage === undefined || !this.#sweepable(entry)),
      );
      return candidates[Math.floor(random() * candidates.length)];
    };
    switch (operation) {
      case 'put':
        return this.#put(key, 1 + Math.floor(random() * 64 * KIB), mine);
      case 'form':
        return this.#form(key, 1 + Math.floor(random() * 64 * KIB), mine);
      case 'multipart':
        return this.#multipart(key, PART_SIZE + 1 + Math.floor(random() * 256 * KIB), mine);
      case 'confirm': {
        const draft = pick('draft', 'draft');
        return draft ? this.#confirm(draft) : this.#put(key, 1 + Math.floor(random() * KIB), mine);
      }
      case 'list':
        return this.#list(key, random() < 0.5 ? 'draft' : 'main');
      case 'info': {
        const confirmed = pick('confirmed');
        return confirmed ? this.#info(confirmed) : this.#list(key, 'main');
      }
      case 'delete': {
        const live = mine.filter((entry) => entry.state === 'confirmed');
        // The oldest first when over the bound, a random one (main or draft) otherwise.
        const target =
          live.length > LIVE_OBJECTS_PER_WORKER
            ? live[0]
            : (pick('confirmed') ?? pick('draft', 'draft'));
        return target ? this.#delete(target) : this.#list(key, 'draft');
      }
      case 'invalid':
        return this.#invalid();
    }
  }

  async #api(step: string, path: string, body: unknown): Promise<Answer> {
    this.interval.requests += 1;
    this.total.requests += 1;
    const response = await fetch(`${this.options.apiUrl}${path}`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new Unexpected(step, `${response.status}, not JSON: ${text.slice(0, 120)}`);
    }
    return { status: response.status, json };
  }

  async #ok(step: string, path: string, body: unknown): Promise<any> {
    const answer = await this.#api(step, path, body);
    if (answer.status !== 200) {
      throw new Unexpected(step, `${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`);
    }
    return answer.json;
  }

  async #store(step: string, url: string, init: RequestInit, ok: number[]): Promise<Response> {
    this.interval.requests += 1;
    this.total.requests += 1;
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (!ok.includes(response.status)) {
      throw new Unexpected(step, `${response.status} ${(await response.text()).slice(0, 200)}`);
    }
    return response;
  }

  /** Records the object before its bytes go out, so a lost answer leaves an `unknown` entry. */
  #record(key: string, kind: LedgerEntry['kind'], bytes: Buffer, mine: LedgerEntry[]) {
    const entry: LedgerEntry = {
      key,
      kind,
      size: bytes.length,
      sha256: sha256(bytes),
      draftedAt: Date.now(),
      state: 'unknown',
      stage: 'draft',
    };
    this.ledger.add(entry);
    mine.push(entry);
    return entry;
  }

  async #put(key: string, size: number, mine: LedgerEntry[]): Promise<void> {
    const signed = await this.#ok('upload-url', '/api/v1/upload-url', {
      object_name: key,
      content_type: 'application/octet-stream',
      content_length: size,
    });
    const bytes = payload(size);
    const entry = this.#record(key, 'put', bytes, mine);
    const headers = Object.fromEntries(
      Object.entries(signed.headers as Record<string, string>).filter(
        ([name]) => name.toLowerCase() !== 'content-length',
      ),
    );
    const answer = await this.#store(
      'PUT',
      signed.upload_url,
      { method: 'PUT', headers, body: bytes },
      [200],
    );
    await answer.arrayBuffer();
    entry.state = 'draft';
  }

  async #form(key: string, size: number, mine: LedgerEntry[]): Promise<void> {
    const signed = await this.#ok('upload-form', '/api/v1/upload-form', {
      object_name: key,
      content_type: 'application/octet-stream',
    });
    const bytes = payload(size);
    const entry = this.#record(key, 'form', bytes, mine);
    const form = new FormData();
    for (const [name, value] of Object.entries(signed.fields as Record<string, string>)) {
      form.append(name, value);
    }
    form.append('file', new Blob([bytes]), 'soak.bin');
    const answer = await this.#store(
      'POST form',
      signed.url,
      { method: 'POST', body: form },
      [200, 201, 204],
    );
    await answer.arrayBuffer();
    entry.state = 'draft';
  }

  /** Part 1, then a resume: list-parts says what the store holds, and only part 2 is sent. */
  async #multipart(key: string, size: number, mine: LedgerEntry[]): Promise<void> {
    const bytes = payload(size);
    const created = await this.#ok('multipart/create', '/api/v1/multipart/create', {
      object_name: key,
      content_length: size,
      content_type: 'application/octet-stream',
      part_size: PART_SIZE,
    });
    const reference = {
      object_name: key,
      upload_id: created.upload_id,
      upload_token: created.upload_token,
    };
    if (created.part_count !== 2)
      throw new Unexpected('multipart/create', `part_count ${created.part_count}`);
    const entry = this.#record(key, 'multipart', bytes, mine);
    const sendPart = async (number: number) => {
      const signed = await this.#ok('multipart/sign-parts', '/api/v1/multipart/sign-parts', {
        ...reference,
        part_numbers: [number],
      });
      const part = signed.parts[0];
      const headers = Object.fromEntries(
        Object.entries(part.headers as Record<string, string>).filter(
          ([name]) => name.toLowerCase() !== 'content-length',
        ),
      );
      const body = bytes.subarray((number - 1) * PART_SIZE, number * PART_SIZE);
      const answer = await this.#store(
        `PUT part ${number}`,
        part.url,
        { method: 'PUT', headers, body },
        [200],
      );
      await answer.arrayBuffer();
    };
    await sendPart(1);
    const listed = await this.#ok(
      'multipart/list-parts',
      '/api/v1/multipart/list-parts',
      reference,
    );
    const held = (listed.parts as { part_number: number; etag: string }[]).map(
      ({ part_number, etag }) => ({
        part_number,
        etag,
      }),
    );
    if (held.length !== 1 || held[0]!.part_number !== 1) {
      throw new Unexpected('multipart/list-parts', `listed ${JSON.stringify(listed.parts)}`);
    }
    await sendPart(2);
    const relisted = await this.#ok(
      'multipart/list-parts',
      '/api/v1/multipart/list-parts',
      reference,
    );
    entry.draftedAt = Date.now();
    await this.#ok('multipart/complete', '/api/v1/multipart/complete', {
      ...reference,
      parts: (relisted.parts as { part_number: number; etag: string }[]).map(
        ({ part_number, etag }) => ({
          part_number,
          etag,
        }),
      ),
    });
    entry.state = 'draft';
  }

  async #confirm(entry: LedgerEntry): Promise<void> {
    entry.state = 'unknown';
    const answer = await this.#api('confirm-upload', '/api/v1/confirm-upload', {
      object_name: entry.key,
    });
    if (answer.status !== 200) {
      throw new Unexpected(
        'confirm-upload',
        `${answer.status} ${JSON.stringify(answer.json).slice(0, 200)}`,
      );
    }
    if (answer.json.size !== entry.size) {
      throw new Unexpected('confirm-upload', `size ${answer.json.size}, not ${entry.size}`);
    }
    entry.state = 'confirmed';
    entry.stage = 'main';
  }

  async #list(key: string, stage: 'draft' | 'main'): Promise<void> {
    const prefix = key.slice(0, key.lastIndexOf('/') + 1);
    const listed = await this.#ok('list-objects', '/api/v1/list-objects', {
      stage,
      prefix,
      limit: 100,
    });
    if (!Array.isArray(listed.objects)) throw new Unexpected('list-objects', 'no objects array');
  }

  async #info(entry: LedgerEntry): Promise<void> {
    const info = await this.#ok('object-info', '/api/v1/object-info', {
      object_name: entry.key,
      stage: 'main',
    });
    if (info.size !== entry.size)
      throw new Unexpected('object-info', `size ${info.size}, not ${entry.size}`);
  }

  async #delete(entry: LedgerEntry): Promise<void> {
    const stage = entry.state === 'confirmed' ? 'main' : 'draft';
    const before = entry.state;
    entry.state = 'unknown';
    await this.#ok('delete-object', '/api/v1/delete-object', { object_name: entry.key, stage });
    entry.state = before === 'confirmed' || before === 'draft' ? 'deleted' : before;
    entry.stage = stage;
  }

  /** A client mistake: the documented 400, and nothing changes. */
  async #invalid(): Promise<void> {
    const answer = await this.#api('upload-url (invalid name)', '/api/v1/upload-url', {
      object_name: '../outside',
    });
    if (answer.status !== 400 || answer.json?.error?.code !== 'invalid_object_name') {
      throw new Unexpected(
        'upload-url (invalid name)',
        `${answer.status} ${JSON.stringify(answer.json)}`,
      );
    }
    this.interval.documented4xx += 1;
    this.total.documented4xx += 1;
  }
}
