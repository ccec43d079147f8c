import { formatMigration } from '../../../cli/commands/db';

describe('docket db migrate output', () => {
  it('names the store, what was applied and the version now in force', () => {
    expect(formatMigration('postgres', 'postgres://docket:***@db:5432/docket', { applied: [1, 2], current: 2 })).toEqual([
      'postgres activity store at postgres://docket:***@db:5432/docket: applied versions 1, 2; schema version 2',
    ]);
    expect(formatMigration('sqlite', '/var/docket/docket.db', { applied: [3], current: 3 })).toEqual([
      'sqlite activity store at /var/docket/docket.db: applied version 3; schema version 3',
    ]);
    expect(formatMigration('sqlite', '/var/docket/docket.db', { applied: [], current: 2 })).toEqual([
      'sqlite activity store at /var/docket/docket.db: already up to date; schema version 2',
    ]);
  });
});
