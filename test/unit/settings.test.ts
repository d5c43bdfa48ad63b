// The `alembic` settings section read into ServerSettings (src/protocol/settings.ts): the one
// normaliser the language server and the extension both use.
import * as assert from 'node:assert/strict';
import { defaultSettings, toSettings } from '../../src/protocol/settings';

describe('toSettings (one normaliser for both sides)', () => {
  it('trims strings, drops empty and non-string entries, reads the lint object', () => {
    assert.deepEqual(
      toSettings({
        configFile: '  conf/alembic.ini ',
        section: ' staging ',
        versionLocations: [' a/versions ', '', 3, 'b'],
        recursiveVersionLocations: true,
        defines: { 'app.settings.SCHEMA': 'tenant', 'not a name': 'x', n: 1 },
        lint: { scope: 'all', severity: { 'set-not-null': 'warning', bad: 2 } },
      }),
      {
        configFile: 'conf/alembic.ini',
        section: 'staging',
        versionLocations: ['a/versions', 'b'],
        recursiveVersionLocations: true,
        lintScope: 'all',
        lintSeverity: { 'set-not-null': 'warning' },
        defines: { 'app.settings.SCHEMA': 'tenant' },
      },
    );
  });

  it('falls back to the defaults on missing or mistyped values', () => {
    assert.deepEqual(toSettings(undefined), defaultSettings);
    assert.deepEqual(toSettings({ configFile: '', section: 7, versionLocations: 'x', recursiveVersionLocations: 'yes', lint: { scope: 'sometimes' } }), defaultSettings);
  });
});
