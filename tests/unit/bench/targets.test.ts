import { issue10Targets, targetsTable } from '../../../bench/targets';

const side = (over: Partial<Parameters<typeof issue10Targets>[0]['docket']> = {}) => ({
  cpuMsPerCase: 60,
  casesPerSecond: 4,
  protoBytesPerCase: 11_000,
  eventsPerCase: 81,
  updateP50Ms: 400,
  ...over,
});

describe('issue 10 targets of one bench run', () => {
  it('judges each target at its bound, history bytes on the stored size', () => {
    const checks = issue10Targets({
      docket: side({ cpuMsPerCase: 75, casesPerSecond: 3.2, protoBytesPerCase: 13_200, updateP50Ms: 480 }),
      hand: side(),
      cpuRoundRatios: [1.2, 1.3, 1.25],
      docketGrowth: 1.5,
    });
    expect(checks.map((c) => [c.target, c.figure, c.met])).toEqual([
      ['worker CPU per case within 1.25×', '1.25× (rounds 1.20×, 1.30×, 1.25×)', true],
      ['cases/s within 1.25×', 'docket at 0.80× the hand-written rate', true],
      ['history bytes per case within 1.2× (stored, protobuf)', '1.20×', true],
      ['history events per case equal', '81 / 81', true],
      ['Update p50 within 1.2× (all cases at once)', '1.20×', true],
      ['time per event flat within 1.5× from 10 to 1,000 events', '1.50×', true],
    ]);
  });

  it('says which are missed, and that growth was not measured without events', () => {
    const checks = issue10Targets({
      docket: side({ cpuMsPerCase: 75.1, casesPerSecond: 3.1, protoBytesPerCase: 18_000, eventsPerCase: 82, updateP50Ms: 481 }),
      hand: side(),
      cpuRoundRatios: [],
    });
    expect(checks.map((c) => c.met)).toEqual([false, false, false, false, false, undefined]);
    expect(checks[0].figure).toBe('1.25×');
    const table = targetsTable(checks).join('\n');
    expect(table).toContain('| history bytes per case within 1.2× (stored, protobuf) | 1.64× | **no** |');
    expect(table).toContain('| time per event flat within 1.5× from 10 to 1,000 events | not measured (--events 0) | – |');
  });
});
