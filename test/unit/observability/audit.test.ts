import { audited, type AuditRecord } from '../../../lambdas/observability/audit.js';

// Audit lines are read by people and tools: one bounded JSON object per request,
// whatever a client put in the headers the transport copies into it.

const run = async (origin: { requestId: string; sourceIp?: string; userAgent?: string }) => {
  const records: AuditRecord[] = [];
  await audited(
    'list',
    origin,
    () => ({ owner: 'alice' }),
    async () => 'done',
    (record) => records.push(record),
  );
  expect(records).toHaveLength(1);
  return records[0]!;
};

describe('audit records', () => {
  it('cuts a client-sized user agent or request id to a bounded length', async () => {
    const record = await run({
      requestId: 'r'.repeat(100_000),
      sourceIp: '203.0.113.9',
      userAgent: `curl/8 ${'x'.repeat(100_000)}`,
    });
    expect(record.userAgent!.startsWith('curl/8 xxx')).toBe(true);
    expect(record.userAgent!.length).toBeLessThanOrEqual(512);
    expect(record.requestId.length).toBeLessThanOrEqual(512);
    expect(record.sourceIp).toBe('203.0.113.9');
    expect(JSON.stringify(record).length).toBeLessThan(2_000);
  });

  it('keeps a short user agent as it came, control characters included (JSON escapes them)', async () => {
    const userAgent = 'evil\n{"audit":true,"action":"delete"}\u001b[31mred\r';
    const record = await run({ requestId: 'req-1', userAgent });
    expect(record.userAgent).toBe(userAgent);
    const line = JSON.stringify(record);
    for (const raw of ['\n', '\r', '\u001b']) expect(line).not.toContain(raw);
    expect(JSON.parse(line)).toEqual(record);
  });

  it('does not split a surrogate pair where it cuts', async () => {
    const record = await run({ requestId: 'req-2', userAgent: `${'a'.repeat(511)}😀😀` });
    expect(record.userAgent!.isWellFormed()).toBe(true);
  });
});
