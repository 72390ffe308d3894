import { describe, expect, it } from 'vitest';
import {
  InMemoryRegistry,
  matchRecords,
  matchRecordsSync,
  type BlockingKeys,
  type RegistryCitizen,
  type RegistryLookup,
} from '../../../src/domain/matching/index.js';
import { CITIZENS, dose } from './registry-fixture.js';

/** A registry reachable only through the port, counting round trips (like a database). */
class CountingRegistry implements RegistryLookup {
  calls: BlockingKeys[] = [];
  constructor(private readonly inner: InMemoryRegistry) {}
  async findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]> {
    this.calls.push(keys);
    return this.inner.findCandidates(keys);
  }
}

const records = [
  dose(),
  dose({ idNumber: '001080012354' }),
  dose({ fullName: 'Nguyễn Minh Khoa', dateOfBirth: '20/09/2005', idNumber: '001155012346' }),
  dose({ fullName: 'Lê Thị Mai', dateOfBirth: '07/07/1990', gender: 'Nữ', idNumber: '', communeCode: '00002' }),
  dose({ fullName: 'John Smith', idNumber: 'C1234567', nationality: 'USA' }),
  dose({ fullName: '' }),
  dose({ idNumber: '0010800123455' }),
  // No ID and a misspelt given name: found by the masked-name keys of the second round.
  dose({ fullName: 'Trần Thị Lann', dateOfBirth: '02/03/1955', gender: 'Nữ', idNumber: '' }),
];

describe('matchRecords through the RegistryLookup port', () => {
  const memory = InMemoryRegistry.fromCitizens(CITIZENS);

  it('decides exactly as the synchronous in-memory path', async () => {
    const viaPort = await matchRecords(records, new CountingRegistry(memory));
    expect(viaPort).toEqual(matchRecordsSync(records, memory));
  });

  it('asks the registry at most twice per chunk, variants only in the second round', async () => {
    const port = new CountingRegistry(memory);
    await matchRecords(records, port, { chunkSize: 4 });
    expect(port.calls.length).toBeLessThanOrEqual(4);
    const [first] = port.calls;
    expect(first!.personalIds.length).toBeLessThanOrEqual(4);
    expect(first!.nameYears).toContainEqual({ nameKey: 'nguyen van hoa', birthYear: 1980 });
    expect(first!.maskedKeys ?? []).toEqual([]);
    expect(port.calls.flatMap((c) => c.maskedKeys ?? [])).toContain('tran thi *|1955-03-02');
  });

  it('keeps results in input order and skips the registry for exempt and invalid records', async () => {
    const port = new CountingRegistry(memory);
    const results = await matchRecords(records.slice(4, 6), port);
    expect(results.map((r) => r.outcome)).toEqual(['exempt', 'invalid']);
    expect(port.calls).toHaveLength(0);
  });

  it('builds from an async iterable and ignores duplicate citizens', async () => {
    async function* stream() {
      yield* CITIZENS;
      yield CITIZENS[0]!;
    }
    const registry = await InMemoryRegistry.fromAsync(stream());
    expect(registry.size).toBe(CITIZENS.length);
  });
});
